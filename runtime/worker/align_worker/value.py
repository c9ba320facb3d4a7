"""PPO's value model (critic): a reward-model-shaped network (the built-in transformer with its
scalar head, or a Hugging Face one-label sequence-classification model, hf_reward.py) read at
every position, trained by its own AdamW on the clipped value loss (docs/optimizers.md, "PPO"),
and saved beside the policy in the stage's model/value/<name>/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from .checkpoint import atomic_dir
from .errors import UserError
from .generation import response_aligned, right_pad
from .model_builtin import TinyRewardModel
from .models import HF_REWARD, MODEL_META, LanguageModel, builtin_value_net, output_type
from .optim import clip_gradients, make_optimizer
from .plan import ModelSpec


def value_network(vm: ModelSpec, policy: LanguageModel, seed: int, base_dir: Path, run_dir: Path,
                  device: torch.device, where: str) -> Tuple[nn.Module, Any, int]:
    """The value model `vm` names, trainable: (module, its Hugging Face tokenizer or None, context).

    Built-in: a fresh seeded scalar-head transformer, or a built-in reward_model stage's output.
    Hugging Face (an hf/local declaration, or a Hugging Face reward_model stage's output): the
    checkpoint as a one-label sequence-classification model (a fresh seeded head on a causal-LM
    base). It reads the policy's token ids, so its backend and vocabulary must be the policy's."""
    src = vm.source
    hf = src["type"] in ("hf", "local") or (src["type"] == "stage" and
                                            output_type(run_dir / src["stage"] / "model") == HF_REWARD)
    if hf != (policy.backend == "hf"):
        raise UserError(f"{where}: the value model reads the policy's token ids; a {'Hugging Face' if hf else 'builtin'} "
                        f"value model needs a {'Hugging Face' if hf else 'builtin(...)'} policy, this one is "
                        f"{policy.backend}")
    if not hf:
        module, context = builtin_value_net(src, vm.name, seed, run_dir, where, device)
        return module, None, context
    from .hf_reward import load_scalar_head, model_dir, same_vocabulary, warn_unused_lora
    warn_unused_lora(vm, where)
    module, tok = load_scalar_head(model_dir(src, base_dir, run_dir, where), seed, "value:" + vm.name, device, where)
    same_vocabulary(tok, policy.tokenizer.tok, where)
    return module, tok, int(getattr(module.model.config, "max_position_embeddings", None) or 4096)


def response_values(module: nn.Module, prompts: Sequence[Sequence[int]],
                    responses: Sequence[Sequence[int]], pad: int, context: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Response-aligned V_t [N, L] and mask [N, L]: V_t is the head at the position before
    response token t (the state the token is chosen in), as log π_t is read there."""
    ids, mask, target = right_pad(prompts, responses, pad, context)
    dev = next(module.parameters()).device
    values = module.token_values(ids.to(dev), mask.to(dev)).float()
    return response_aligned(values[:, :-1], target[:, 1:].to(dev))


class ValueModel:
    """The critic and its optimizer; one `update` per PPO inner update."""

    def __init__(self, module: nn.Module, lr: float, weight_decay: float, clip: float,
                 pad: int, context: int, tokenizer: Any = None) -> None:
        self.module, self.pad, self.context, self.clip = module, pad, context, clip
        self.tokenizer = tokenizer          # a Hugging Face value model's, saved beside it
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

    def save(self, out: Path) -> None:
        """The trained value model as a reward-model directory (atomically): model.pt with kind
        `builtin_reward`, or a save_pretrained sequence-classification directory with its
        tokenizer and kind `hf_reward`; either loads as a reward (`local(...)`) or a value model."""
        def write(tmp: Path) -> None:
            if isinstance(self.module, TinyRewardModel):
                torch.save({k: v.detach().cpu().float() for k, v in self.module.state_dict().items()}, tmp / "model.pt")
                meta = {"type": "builtin_reward", "config": self.module.cfg.to_dict()}
            else:
                self.module.save_pretrained(str(tmp), safe_serialization=True)
                self.tokenizer.save_pretrained(str(tmp))
                meta = {"type": HF_REWARD, "source": "value_model"}
            (tmp / MODEL_META).write_text(json.dumps(meta, sort_keys=True))
        atomic_dir(out, write)
