"""Seeds and RNG state for every random source: python, numpy, torch (CPU and CUDA).

Sampling does not use these global streams: each sampled row has its own generator seeded from
(recipe seed, stage, task, step, prompt index, sample index) (see `sample_seed`), so a run's
samples do not depend on the number of ranks or on the order work is done after a resume.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, Dict

import numpy as np
import torch


def seed_everything(seed: int, rank: int) -> None:
    """Per-rank streams: rank r gets seed + r (dropout, LoRA dropout, anything else random)."""
    s = (seed + rank) % (2**32)
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(s)


def derive_seed(*parts: Any) -> int:
    """A stable 63-bit seed from any parts (not Python's salted hash())."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def rng_state() -> Dict[str, Any]:
    """Everything needed to continue this rank's random streams exactly."""
    state = {"python": random.getstate(), "numpy": np.random.get_state(),
             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
