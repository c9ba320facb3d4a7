"""AdamW, warmup + constant/linear/cosine schedules, and gradient clipping."""

from __future__ import annotations

import math
from typing import Iterable, List, Optional, Tuple

import torch
import torch.nn as nn


def lr_factor(step: int, total: int, warmup: int, schedule: str, min_ratio: float = 0.0) -> float:
    """Multiplier of the peak lr at optimizer step `step` (0-based).

    Linear warmup over `warmup` steps from lr/warmup, then constant, linear decay to
    min_ratio·lr at `total`, or cosine decay to min_ratio·lr at `total`.
    """
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    if schedule == "constant":
        return 1.0
    span = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / span)
    if schedule == "linear":
        decay = 1.0 - progress
    else:
        decay = 0.5 * (1.0 + math.cos(math.pi * progress))
    return min_ratio + (1.0 - min_ratio) * decay


def decay_split(params: Iterable[nn.Parameter]) -> Tuple[List[nn.Parameter], List[nn.Parameter]]:
    """Trainable parameters that take weight decay (matrices) and those that do not (biases, norms).

    Call it before FSDP wraps the model: its shards are flat 1-d views, so their shapes no longer
    tell a matrix from a bias (FSDP with use_orig_params keeps the same Parameter objects).
    """
    params = [p for p in params if p.requires_grad]
    return [p for p in params if p.ndim >= 2], [p for p in params if p.ndim < 2]


def make_optimizer(params: Iterable[nn.Parameter], lr: float, weight_decay: float,
                   split: Optional[Tuple[List[nn.Parameter], List[nn.Parameter]]] = None) -> torch.optim.AdamW:
    """AdamW over trainable parameters; no decay on biases and norms (1-d tensors)."""
    decay, flat = split if split is not None else decay_split(params)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": flat, "weight_decay": 0.0}]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=lr, betas=(0.9, 0.999), eps=1e-8)


def make_scheduler(opt: torch.optim.Optimizer, total: int, warmup: int, schedule: str):
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(s, total, warmup, schedule))


def clip_gradients(module: nn.Module, max_norm: float) -> float:
    """Clip the global gradient norm (FSDP clips across shards); returns the norm before clipping."""
    if hasattr(module, "clip_grad_norm_") and type(module).__name__ == "FullyShardedDataParallel":
        norm = module.clip_grad_norm_(max_norm if max_norm > 0 else float("inf"))
    else:
        params = [p for p in module.parameters() if p.grad is not None]
        if not params:
            return 0.0
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm if max_norm > 0 else float("inf"))
    return float(norm)
