"""A small decoder-only transformer (pre-LayerNorm GPT) with a KV cache, for CPU runs and tests.

It has the forward signature generation and training use for every model:
`forward(input_ids, attention_mask, position_ids, past) -> (logits, present)`, where
attention_mask covers the past and the new tokens (1 = real token, 0 = padding).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from .tokenizer import VOCAB

KV = Tuple[torch.Tensor, torch.Tensor]


@dataclass
class BuiltinConfig:
    layers: int = 2
    width: int = 128
    heads: int = 4
    context: int = 256
    vocab: int = VOCAB

    def to_dict(self) -> dict:
        return asdict(self)

    def params(self) -> int:
        """Parameter count, used for the plan's memory estimate and for MFU."""
        w, v = self.width, self.vocab
        block = 4 * w * w + 4 * w + 8 * w * w + 5 * w + 4 * w
        return v * w + self.context * w + self.layers * block + 2 * w


class Block(nn.Module):
    def __init__(self, cfg: BuiltinConfig) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.ln1 = nn.LayerNorm(cfg.width)
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width)
        self.proj = nn.Linear(cfg.width, cfg.width)
        self.ln2 = nn.LayerNorm(cfg.width)
        self.fc = nn.Linear(cfg.width, 4 * cfg.width)
        self.out = nn.Linear(4 * cfg.width, cfg.width)

    def forward(self, x: torch.Tensor, bias: torch.Tensor,
                past: Optional[KV]) -> Tuple[torch.Tensor, KV]:
        b, t, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + bias
        y = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, w)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, (k, v)


class TinyLM(nn.Module):
    """Token + learned position embeddings, N blocks, tied output head."""

    def __init__(self, cfg: BuiltinConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab, cfg.width)
        self.pos = nn.Embedding(cfg.context, cfg.width)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.width)
        self.gradient_checkpointing = False
        self.apply(_init)

    def hidden(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
               position_ids: torch.Tensor, past: Optional[List[KV]] = None
               ) -> Tuple[torch.Tensor, List[KV]]:
        """Final hidden states [B, T, W] and the new cache."""
        x = self.tok(input_ids) + self.pos(position_ids.clamp(0, self.cfg.context - 1))
        bias = attention_bias(attention_mask, input_ids.shape[1], x.dtype)
        present: List[KV] = []
        for i, block in enumerate(self.blocks):
            p = None if past is None else past[i]
            if self.gradient_checkpointing and self.training and p is None:
                x, kv = checkpoint(block, x, bias, None)
            else:
                x, kv = block(x, bias, p)
            present.append(kv)
        return self.ln_f(x), present

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                position_ids: torch.Tensor, past: Optional[List[KV]] = None
                ) -> Tuple[torch.Tensor, List[KV]]:
        h, present = self.hidden(input_ids, attention_mask, position_ids, past)
        return h @ self.tok.weight.t(), present


class TinyRewardModel(nn.Module):
    """The built-in transformer with a scalar head read at each sequence's last real token."""

    def __init__(self, cfg: BuiltinConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.lm = TinyLM(cfg)
        self.head = nn.Linear(cfg.width, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pos = (attention_mask.long().cumsum(1) - 1).clamp(min=0)
        h, _ = self.lm.hidden(input_ids, attention_mask, pos)
        last = attention_mask.long().sum(1) - 1
        return self.head(h[torch.arange(h.shape[0]), last]).squeeze(-1)

    def token_values(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The head at every position [B, S]: a value model's V(prefix up to and including it)."""
        pos = (attention_mask.long().cumsum(1) - 1).clamp(min=0)
        h, _ = self.lm.hidden(input_ids, attention_mask, pos)
        return self.head(h).squeeze(-1)


def attention_bias(mask: torch.Tensor, new: int, dtype: torch.dtype) -> torch.Tensor:
    """Additive bias [B, 1, new, S]: causal over the last `new` positions, padding keys masked.

    A finite minimum (not -inf) keeps fully masked rows (padding queries) free of NaN.
    """
    s = mask.shape[1]
    q_pos = torch.arange(s - new, s, device=mask.device)[:, None]
    allowed = (torch.arange(s, device=mask.device)[None, :] <= q_pos)[None] & mask.bool()[:, None, :]
    bias = torch.zeros(allowed.shape, dtype=dtype, device=mask.device)
    return bias.masked_fill(~allowed, torch.finfo(dtype).min)[:, None]


def _init(module: nn.Module) -> None:
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
