"""Read and validate the one stage of `plan.json` a worker runs (docs/plan.md, version 1).

Validation is eager: everything the stage will touch is parsed into plain dataclasses before any
model is loaded, so a typo fails in a second with its JSON pointer, not after an hour of training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from .errors import PlanError, UserError
from .pointer import Node, describe
from .sinks import TrackingSpec, parse_tracking

SUPPORTED_VERSION = 1
STAGE_VARIANTS = ["generate", "judge", "render", "sft", "dpo", "reward_model", "cgpo", "eval"]
WORKER_VARIANTS = STAGE_VARIANTS


@dataclass
class ModelSpec:
    """A model: a declaration in /models, or the model output of an earlier stage."""
    pointer: str
    name: str
    source: Dict[str, Any]              # {"type": "builtin"|"hf"|"local"|"stage", ...}
    dtype: str = "fp32"
    gradient_checkpointing: bool = False
    lora: Optional[Dict[str, Any]] = None
    # {"type": "auto" | "none"} or {"type": "file", "path"}; None (plans before the field): none.
    chat_template: Optional[Dict[str, Any]] = None
    max_prompt_tokens: Optional[int] = None
    truncation: str = "left"                    # left | error


@dataclass
class DatasetSpec:
    pointer: str
    name: str
    path: str
    fields: Dict[str, str]
    limit: Optional[int]
    shuffle: bool


@dataclass
class DataSpec:
    """A data source: a jsonl dataset, an earlier stage's dataset output, or an inline render."""
    pointer: str
    kind: str                           # "dataset" | "stage" | "render"
    name: str                           # dataset or stage name (the row `source`)
    dataset: Optional[DatasetSpec] = None
    render_from: Optional["DataSpec"] = None
    template: Optional[Dict[str, Any]] = None
    target: Optional[str] = None


@dataclass
class JudgeSpec:
    name: str
    variant: str
    on_error: str
    scope: Optional[List[str]]


@dataclass
class RewardSpec:
    pointer: str
    name: str
    source: Dict[str, Any]
    kind: str
    baseline: Dict[str, Any]
    baseline_model: Optional[ModelSpec] = None
    dtype: str = "fp32"                 # of a reward model (plans before `dtype` on rewards: fp32)


@dataclass
class OptimizerSpec:
    variant: str                        # crpg | codpo | crraft | grpo | rloo | ppo
    generations: int
    temperature: float
    top_p: float
    max_tokens: int
    kl_max: float = 0.1
    beta: float = 0.1
    lam: float = 0.0
    fallback: str = "baseline"
    # GRPO and RLOO (docs/optimizers.md)
    kl_coef: float = 0.0
    judges_gate: bool = True
    infeasible_reward: float = -1.0
    scale_rewards: bool = True
    clip_eps: float = 0.2
    ppo_epochs: int = 1
    kl_estimator: str = "k3"
    loss_aggregation: str = "sequence"
    # PPO (docs/optimizers.md)
    value_model: Optional["ModelSpec"] = None
    value_lr: float = 1e-5
    value_clip: float = 0.2
    whiten_advantages: bool = False
    gamma: float = 1.0
    lam: float = 0.95


@dataclass
class TaskSpec:
    pointer: str
    name: str
    prompts: List[DataSpec]
    reward: RewardSpec
    judges: List[JudgeSpec]
    optimizer: OptimizerSpec
    weight: float
    batch_size: int
    template: Optional[Dict[str, Any]] = None   # None: the prompt as is


@dataclass
class TrainingSpec:
    schedule: str = "cosine"
    warmup: int = 0
    clip: float = 1.0
    grad_accum: int = 1
    weight_decay: float = 0.0
    loss_norm: str = "sample"
    checkpoint_every: int = 100
    micro_batch_size: Optional[int] = None


@dataclass
class StageSpec:
    """One stage, fully resolved. `fields` holds variant-specific scalars (lr, epochs, ...)."""
    name: str
    variant: str
    pointer: str
    seed: int
    fields: Dict[str, Any] = field(default_factory=dict)
    model: Optional[ModelSpec] = None
    reference: Optional[ModelSpec] = None
    data: List[DataSpec] = field(default_factory=list)
    held_out: List[DataSpec] = field(default_factory=list)   # reward_model's evaluation pairs
    tasks: List[TaskSpec] = field(default_factory=list)
    judges: List[JudgeSpec] = field(default_factory=list)
    training: Optional[TrainingSpec] = None
    sharding: str = "auto"
    gpu_memory: Optional[float] = None
    estimated_sharding: Optional[str] = None   # the compiler's resolution of `auto` (/estimates)
    max_judge_error_rate: float = 0.1           # /recipe/max_judge_error_rate (summary.py)
    config: Dict[str, Any] = field(default_factory=dict)   # the hashed configuration closure
    tracking: TrackingSpec = field(default_factory=TrackingSpec)   # metric sinks (not hashed)


def load_plan(path: Path) -> Node:
    """Parse plan.json and check its version; the root node has pointer ''."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read plan {path}: {exc.strerror}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    root = Node(value, "")
    root.obj()
    version = root.child("version").int()
    if version != SUPPORTED_VERSION:
        raise PlanError("/version", f"this worker reads plan version {SUPPORTED_VERSION}, got {version}")
    return root


def parse_stage(root: Node, name: str) -> StageSpec:
    """Resolve stage `name` and everything it references; fails with the pointer of a bad value."""
    from .plan_stage import parse_stage_body

    stages = root.child("stages")
    if name not in stages.obj():
        known = ", ".join(sorted(stages.obj())) or "none"
        raise PlanError("/stages", f"no stage named {describe(name)} (stages: {known})")
    node = stages.child(name)
    variant = node.child("variant").enum(STAGE_VARIANTS)
    if variant not in WORKER_VARIANTS:
        raise PlanError(node.pointer + "/variant",
                        f"stage variant {variant!r} runs in the judge server, not the worker")
    recipe = root.child("recipe")
    spec = StageSpec(name=name, variant=variant, pointer=node.pointer,
                     seed=recipe.child("seed").int(minimum=0), tracking=parse_tracking(recipe))
    rate = recipe.opt("max_judge_error_rate").opt_num(minimum=0.0)
    if rate is not None:
        spec.max_judge_error_rate = rate
    parse_stage_body(root, node, spec)
    return spec
