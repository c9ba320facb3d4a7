"""Metric sinks besides metrics.jsonl (docs/report.md): TensorBoard event files through torch's
own SummaryWriter, and Weights & Biases, offline unless the recipe says online.

metrics.jsonl stays the source of truth. A sink that cannot start (its package is missing, a key
is not set) or fails while logging prints one warning line and is dropped; the stage goes on.
Only rank 0 logs, as it alone writes metrics.jsonl.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .pointer import Node

# Keys of a metrics line that are labels, not values to plot.
_LABELS = ("stage", "step", "task", "world_size")


@dataclass(frozen=True)
class WandbSpec:
    project: str
    entity: Optional[str]
    mode: str                    # offline | online
    api_key_env: Optional[str]   # the variable named by env("NAME"); read only when online
    tags: Tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackingSpec:
    tensorboard: bool = False
    wandb: Optional[WandbSpec] = None
    recipe: str = "recipe"


def parse_tracking(recipe: Node) -> TrackingSpec:
    """`/recipe/tracking` (null or absent in older plans: no sinks)."""
    name = recipe.opt("name").value
    node = recipe.opt("tracking")
    recipe_name = name if isinstance(name, str) else "recipe"
    if node.is_null():
        return TrackingSpec(recipe=recipe_name)
    w = node.opt("wandb")
    wandb = None
    if not w.is_null():
        key = w.opt("api_key")
        wandb = WandbSpec(project=w.child("project").str(),
                          entity=None if w.opt("entity").is_null() else w.child("entity").str(),
                          mode=w.child("mode").enum(["offline", "online"]),
                          api_key_env=None if key.is_null() else key.child("env").str(),
                          tags=tuple(t.str() for t in w.opt("tags").items()) if not w.opt("tags").is_null() else ())
    tb = node.opt("tensorboard")
    return TrackingSpec(tensorboard=False if tb.is_null() else tb.bool(), wandb=wandb, recipe=recipe_name)


def scalars(record: Dict[str, Any]) -> Dict[str, float]:
    """A metrics line as flat `task/key` scalars (`all/loss`, `arith/feasible_rate_by_judge/fmt`)."""
    prefix = record.get("task") or "all"
    out: Dict[str, float] = {}

    def put(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                put(f"{key}/{k}", v)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[f"{prefix}/{key}"] = float(value)

    for key, value in record.items():
        if key not in _LABELS:
            put(key, value)
    return out


def _warn(sink: str, why: str) -> None:
    print(f"align-worker: warning: {sink} sink off: {why}; metrics.jsonl is still written",
          file=sys.stderr, flush=True)


class _TensorBoard:
    def __init__(self, log_dir: Path, first_step: int) -> None:
        from torch.utils.tensorboard import SummaryWriter   # needs the tensorboard package
        # purge_step: a resumed stage re-runs steps after its checkpoint; TensorBoard drops the
        # events of those steps that the killed run had written.
        self.writer = SummaryWriter(log_dir=str(log_dir), purge_step=first_step)

    def log(self, step: int, values: Dict[str, float]) -> None:
        for tag, value in values.items():
            self.writer.add_scalar(tag, value, global_step=step)
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


class _Wandb:
    def __init__(self, spec: WandbSpec, tracking: TrackingSpec, stage: str, stage_dir: Path,
                 config: Dict[str, Any]) -> None:
        if spec.mode == "online":
            key = os.environ.get(spec.api_key_env or "", "")
            if not key:
                raise RuntimeError(f"mode online needs the API key in ${spec.api_key_env or 'WANDB_API_KEY'}, which is not set")
            os.environ["WANDB_API_KEY"] = key
        else:
            os.environ["WANDB_MODE"] = "offline"
        os.environ.setdefault("WANDB_SILENT", "true")    # the worker's own progress lines only
        import wandb
        self.run = wandb.init(project=spec.project, entity=spec.entity, mode=spec.mode,
                              dir=str(stage_dir), name=f"{tracking.recipe}/{stage}",
                              group=tracking.recipe, job_type=stage, tags=list(spec.tags),
                              config=config, reinit=True)

    def log(self, step: int, values: Dict[str, float]) -> None:
        self.run.log(values, step=step)

    def close(self) -> None:
        self.run.finish()


@dataclass
class Sinks:
    """The recipe's sinks for one stage; opened at the first metrics line (its step is where a
    resumed stage starts again)."""
    tracking: TrackingSpec
    stage: str
    stage_dir: Path
    config: Dict[str, Any] = field(default_factory=dict)
    _open: List[Tuple[str, Any]] = field(default_factory=list)
    _started: bool = False

    def _start(self, first_step: int) -> None:
        self._started = True
        makers = []
        if self.tracking.tensorboard:
            makers.append(("tensorboard", lambda: _TensorBoard(self.stage_dir / "tensorboard", first_step)))
        if self.tracking.wandb is not None:
            spec = self.tracking.wandb
            makers.append(("wandb", lambda: _Wandb(spec, self.tracking, self.stage, self.stage_dir, self.config)))
        for name, make in makers:
            try:
                self._open.append((name, make()))
            except ImportError as exc:
                _warn(name, f"{exc.name or exc} is not installed in {sys.executable}")
            except Exception as exc:   # noqa: BLE001 - a sink must never stop the stage
                _warn(name, f"{type(exc).__name__}: {exc}")

    def log(self, record: Dict[str, Any]) -> None:
        step = record.get("step")
        if not isinstance(step, int):
            return
        if not self._started:
            self._start(step)
        values = scalars(record)
        for name, sink in list(self._open):
            try:
                sink.log(step, values)
            except Exception as exc:   # noqa: BLE001
                self._drop(name, sink, f"{type(exc).__name__}: {exc}")

    def _drop(self, name: str, sink: Any, why: str) -> None:
        _warn(name, why)
        self._open.remove((name, sink))
        try:
            sink.close()
        except Exception:   # noqa: BLE001 - already reported
            pass

    def close(self) -> None:
        for name, sink in list(self._open):
            try:
                sink.close()
            except Exception as exc:   # noqa: BLE001
                _warn(name, f"{type(exc).__name__} while closing: {exc}")
        self._open.clear()
