"""A stage's frozen models (reference, reward models, baseline generators), each loaded once.

Every task that names the same reward model (same source and dtype) or the same baseline model
shares one copy. In a sharded run they are sharded over the world (FSDP2, read per shard) and
their forwards are collective, so the callers here make every rank run the same number of
forwards (`lockstep`), padding a rank that has less to do with a one-row dummy batch.
With LoRA and no declared reference, the reference is the policy with its adapters disabled.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

import torch

from .context import RunContext
from .generation import token_batches
from .models import LanguageModel, RewardScorer, frozen_copy, load_model, load_reward_model
from .plan import ModelSpec, RewardSpec
from .rollout import SCORE_TOKENS

ScoreFn = Callable[[list, list], torch.Tensor]


def lockstep(reduce_max: Optional[Callable[[float], float]], n_items: int, chunk: int) -> int:
    """How many chunk-sized calls this rank makes: the most any rank needs (collective forwards)."""
    mine = math.ceil(n_items / max(1, chunk))
    return mine if reduce_max is None else int(reduce_max(float(mine)))


class AdaptersOff:
    """The LoRA policy with its adapters disabled: the reference without a copy of the base."""

    def __init__(self, policy: LanguageModel) -> None:
        self.policy = policy
        self.tokenizer, self.backend, self.context = policy.tokenizer, policy.backend, policy.context

    @property
    def module(self):
        return self.policy.module

    @property
    def device(self) -> torch.device:
        return self.policy.device

    def unwrapped(self):
        return self.policy.unwrapped()

    def step(self, ids, mask, pos, past=None, module=None, cache: bool = False):
        with self.policy.unwrapped().disable_adapter():
            return self.policy.step(ids, mask, pos, past, module=module, cache=cache)


def has_lora(lm: LanguageModel) -> bool:
    return hasattr(lm.unwrapped(), "disable_adapter")


class FrozenModels:
    """Loads each frozen model of the stage once; `shard` shards them over the world."""

    def __init__(self, ctx: RunContext, shard: bool) -> None:
        self.ctx, self.shard = ctx, shard
        self.cache: Dict[str, Any] = {}
        self.loads: List[str] = []

    @property
    def sync(self) -> Optional[Callable[[float], float]]:
        """The rank agreement collective forwards need (None when forwards are local)."""
        return self.ctx.dist.reduce_max if self.shard else None

    def _get(self, key: str, label: str, load: Callable[[], Any]) -> Any:
        if key not in self.cache:
            t0 = time.time()
            self.cache[key] = load()
            self.loads.append(label)
            d = self.ctx.dist
            if d.is_main:
                where = f"sharded over {d.world} ranks" if self.shard else "one copy per rank"
                print(f"[{self.ctx.spec.name}] loaded {label} ({where}) in {time.time() - t0:.2f}s",
                      file=sys.stderr, flush=True)
        return self.cache[key]

    @staticmethod
    def key(spec: ModelSpec) -> str:
        return json.dumps(["model", spec.source, spec.dtype, spec.name if spec.source["type"] == "builtin" else None],
                          sort_keys=True)

    def model(self, spec: ModelSpec) -> LanguageModel:
        ctx = self.ctx
        return self._get(self.key(spec), f"model {spec.name!r} ({spec.dtype})", lambda: load_model(
            spec, ctx.spec.seed, ctx.base_dir, ctx.run_dir, ctx.dist.device, trainable=False, shard=self.shard))

    def generation_weights(self, spec: ModelSpec):
        """What a sharded model generates through (replica.RolloutWeights: a copy gathered once
        per call when it fits), one per model; None when models are not sharded."""
        if not self.shard:
            return None
        from .replica import RolloutWeights
        key = "weights:" + self.key(spec)
        if key not in self.cache:
            lm = self.model(spec)
            self.cache[key] = RolloutWeights(lm, self.ctx.dist, next(lm.module.parameters()).dtype, self.ctx.spec.name,
                                             label="baselines", what=f"model {spec.name!r}")
        return self.cache[key]

    def reference(self, spec: Optional[ModelSpec], policy: LanguageModel, policy_spec: ModelSpec):
        """The declared reference; else the policy without adapters (LoRA); else a frozen copy of
        the initial policy (loaded again, sharded, in a sharded run)."""
        if spec is not None:
            return self.model(spec)
        if has_lora(policy):
            return AdaptersOff(policy)
        if self.shard:
            return self.model(policy_spec)
        return frozen_copy(policy)

    def reward(self, reward: RewardSpec) -> Optional[ScoreFn]:
        src = reward.source
        if src["type"] == "judge":
            return None
        key = json.dumps(["reward", src, reward.dtype, reward.name if src["type"] == "builtin" else None],
                         sort_keys=True)
        ctx = self.ctx
        score = self._get(key, f"reward model {reward.name!r} ({reward.dtype})", lambda: load_reward_model(
            src, reward.name, ctx.spec.seed, ctx.base_dir, ctx.dist.device, reward.dtype, self.shard, ctx.run_dir))
        return lockstep_score(score, self.sync)


def lockstep_score(scorer: RewardScorer, sync: Optional[Callable[[float], float]],
                   budget: int = SCORE_TOKENS) -> ScoreFn:
    """`scorer` in micro-batches of at most `budget` padded tokens, as reference scoring batches
    (a reward model's activations grow with tokens, not rows); with `sync`, every rank makes as
    many forwards as the busiest, padding with a one-token row."""
    def run(prompts: Sequence[str], responses: Sequence[str]) -> torch.Tensor:
        seqs = scorer.encode(list(prompts), list(responses))
        batches = token_batches([len(s) for s in seqs], budget)
        calls = len(batches) if sync is None else int(sync(float(len(batches))))
        out = torch.zeros(len(seqs))
        for b in range(calls):
            rows = batches[b] if b < len(batches) else []
            got = scorer.score_ids([seqs[i] for i in rows] or [[scorer.pad_id]])
            if rows:
                out[rows] = got
        return out
    return run
