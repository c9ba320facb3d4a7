"""Metrics as JSON lines (rank 0 only) and one progress line per step on stderr."""

from __future__ import annotations

import json
import math
import resource
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional

import torch

from .sinks import Sinks


def peak_memory_bytes(device: torch.device) -> int:
    """Peak device memory (CUDA) or peak resident set size of this process (CPU)."""
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss * (1 if sys.platform == "darwin" else 1024))


def _clean(value: Any) -> Any:
    """JSON-safe values: tensors to numbers, NaN/inf to null (JSON has neither)."""
    if isinstance(value, torch.Tensor):
        value = value.item() if value.numel() == 1 else value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _step_of(line: str, torn: int) -> int:
    """The step a metrics line belongs to (0 without one); `torn` for a line that is not JSON."""
    try:
        record = json.loads(line)
    except ValueError:
        return torn
    return record.get("step", 0) if isinstance(record, dict) else torn


class MetricsWriter:
    """Appends one JSON object per line to <stage-dir>/metrics.jsonl and passes it on to the
    recipe's sinks (TensorBoard, W&B); other ranks write nothing."""

    def __init__(self, path: Path, enabled: bool, stage: str, total_steps: int,
                 sinks: Optional[Sinks] = None) -> None:
        self.path, self.enabled, self.stage, self.total = path, enabled, stage, total_steps
        self.sinks = sinks
        self.started = time.time()

    def truncate_after(self, step: int) -> None:
        """On resume, drop lines of steps the checkpoint does not include (they will rerun), and
        a last line torn by the kill."""
        if not self.enabled or not self.path.exists():
            return
        kept = [ln for ln in self.path.read_text().splitlines() if _step_of(ln, step + 1) <= step]
        self.path.write_text("".join(ln + "\n" for ln in kept))

    def write(self, record: Dict[str, Any]) -> None:
        if not self.enabled:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean = _clean(record)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(clean, sort_keys=True) + "\n")
        if self.sinks is not None:
            self.sinks.log(clean)

    def close(self) -> None:
        """Flush and close the sinks (metrics.jsonl is closed after every line)."""
        if self.enabled and self.sinks is not None:
            self.sinks.close()

    def progress(self, step: int, summary: Dict[str, Any]) -> None:
        """`[stage] step 3/20 loss=0.412 reward=0.61 feasible=0.75 tok/s=1830 1.2s`."""
        if not self.enabled:
            return
        parts = [f"[{self.stage}] step {step}/{self.total}"]
        for key, fmt in (("loss", "{:.4f}"), ("reward", "{:.3f}"), ("feasible", "{:.2f}"),
                         ("lr", "{:.2e}"), ("tokens_per_s", "{:.0f}")):
            v = summary.get(key)
            if isinstance(v, (int, float)) and math.isfinite(v):
                parts.append(f"{key.replace('tokens_per_s', 'tok/s')}={fmt.format(v)}")
        parts.append(f"{summary.get('step_time_s', 0.0):.2f}s")
        print(" ".join(parts), file=sys.stderr, flush=True)


def log_ratio_stats(log_ratio: torch.Tensor) -> Dict[str, Optional[float]]:
    """mean/std/min/max of per-sample log π − log π_ref (a per-sample KL estimate)."""
    if log_ratio.numel() == 0:
        return {"log_ratio_mean": None, "log_ratio_std": None, "log_ratio_min": None,
                "log_ratio_max": None}
    x = log_ratio.float()
    return {"log_ratio_mean": float(x.mean()), "log_ratio_std": float(x.std(unbiased=False)),
            "log_ratio_min": float(x.min()), "log_ratio_max": float(x.max())}
