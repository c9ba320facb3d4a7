"""Stage runners, one module per stage variant family."""

from __future__ import annotations

from typing import Callable, Dict

from ..context import RunContext


def runner(variant: str) -> Callable[[RunContext], Dict]:
    """The function that runs a stage of this variant."""
    if variant in ("sft", "dpo"):
        from . import offline
        return offline.run_sft if variant == "sft" else offline.run_dpo
    if variant == "reward_model":
        from . import reward_model
        return reward_model.run
    if variant == "cgpo":
        from . import cgpo
        return cgpo.run
    from . import datasets
    return {"generate": datasets.run_generate, "judge": datasets.run_judge,
            "render": datasets.run_render, "eval": datasets.run_eval}[variant]
