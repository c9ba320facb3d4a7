"""PPO's value model (critic): the built-in transformer with the reward models' scalar head, read
at every position, trained by its own AdamW on the clipped value loss (docs/optimizers.md, "PPO")."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import torch

from .generation import response_aligned, right_pad
from .model_builtin import TinyRewardModel
from .optim import clip_gradients, make_optimizer


def response_values(module: TinyRewardModel, prompts: Sequence[Sequence[int]],
                    responses: Sequence[Sequence[int]], pad: int, context: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Response-aligned V_t [N, L] and mask [N, L]: V_t is the head at the position before
    response token t (the state the token is chosen in), as log π_t is read there."""
    ids, mask, target = right_pad(prompts, responses, pad, context)
    dev = next(module.parameters()).device
    values = module.token_values(ids.to(dev), mask.to(dev)).float()
    return response_aligned(values[:, :-1], target[:, 1:].to(dev))


class ValueModel:
    """The critic and its optimizer; one `update` per PPO inner update."""

    def __init__(self, module: TinyRewardModel, lr: float, weight_decay: float, clip: float,
                 pad: int, context: int) -> None:
        self.module, self.pad, self.context, self.clip = module, pad, context, clip
        self.opt = make_optimizer(module.parameters(), lr, weight_decay)

    def values(self, prompts, responses) -> Tuple[torch.Tensor, torch.Tensor]:
        return response_values(self.module, prompts, responses, self.pad, self.context)

    def step(self, reduce_sum: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
             scale: float = 1.0) -> float:
        """One AdamW update. Its losses are normalised by global counts and backpropagated ×
        `scale` (the trainer's factor for DDP's averaging, which the critic, not wrapped, does
        not do): gradients are summed over ranks and divided by `scale`."""
        params = list(self.module.parameters())
        if reduce_sum is not None:
            grads = [torch.zeros_like(p) if p.grad is None else p.grad for p in params]
            flat = reduce_sum(torch.cat([g.flatten() for g in grads])) / scale
            for p, g in zip(params, torch.split(flat, [q.numel() for q in params])):
                p.grad = g.view_as(p).clone()
        norm = clip_gradients(self.module, self.clip)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        return norm

    def state_dict(self) -> Dict[str, Any]:
        return {"model": self.module.state_dict(), "optimizer": self.opt.state_dict()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.module.load_state_dict(state["model"])
        self.opt.load_state_dict(state["optimizer"])
