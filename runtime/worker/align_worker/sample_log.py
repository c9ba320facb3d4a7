"""A few training samples of a cgpo stage in <stage-dir>/samples.jsonl, for the report's sample
browser (docs/report.md): at the first and last step and nine steps between, rank 0's first
prompts of each task with all their samples, each with its rewards, feasibility and verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Set

from .metrics import _clean, _step_of
from .rollout import Rollout

PROMPTS_PER_STEP = 2
SAMPLES_FILE = "samples.jsonl"


def sample_steps(total: int) -> Set[int]:
    """1-based steps whose samples are kept: the first, the last, and nine evenly between."""
    return {1, total} | {max(1, round(i * total / 10)) for i in range(1, 10)} if total > 0 else set()


def sample_rows(r: Rollout, step: int) -> List[Dict[str, Any]]:
    rows = []
    for p, row in enumerate(r.rows[:PROMPTS_PER_STEP]):
        for i in range(p * r.k, (p + 1) * r.k):
            rows.append({"step": step, "task": r.task.name, "prompt": row.get("prompt", ""),
                         "response": r.texts[i], "reward_raw": float(r.raw[i]),
                         "reward_calibrated": float(r.calibrated[i]), "feasible": bool(r.feasible[i]),
                         "log_ratio": float(r.logp_old[i] - r.logp_ref[i]), "verdicts": r.results[i].verdicts})
    return rows


class SampleLog:
    """Appends sample rows; on resume drops rows of steps after the checkpoint (they rerun)."""

    def __init__(self, path: Path, enabled: bool, total_steps: int) -> None:
        self.path, self.enabled, self.steps = path, enabled, sample_steps(total_steps)

    def truncate_after(self, step: int) -> None:
        if not self.enabled or not self.path.exists():
            return
        kept = [ln for ln in self.path.read_text().splitlines() if _step_of(ln, step + 1) <= step]
        self.path.write_text("".join(ln + "\n" for ln in kept))

    def wanted(self, step: int) -> bool:
        return self.enabled and step in self.steps

    def write(self, rows: List[Dict[str, Any]]) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(_clean(row), ensure_ascii=False, sort_keys=True) + "\n")
