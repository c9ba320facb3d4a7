"""SFT (loss on target tokens only, prompt masked) and DPO (offline pairs with a reference)."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Tuple

import torch

from .. import losses as L
from ..context import RunContext
from ..data import Order, load_rows, rank_slice, sft_target
from ..errors import UserError
from ..generation import sequence_logprobs, token_logprobs
from .. import sharded
from ..frozen import FrozenModels
from ..models import disable_dropout, load_model
from ..seeding import seed_everything
from ..tokenizer import system_of
from ..trainer import Trainer, shards_policy, training_mode


def _rows(ctx: RunContext) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    for spec in ctx.spec.data:
        rows += load_rows(spec, ctx.base_dir, ctx.run_dir)
    if not rows:
        raise UserError(f"{ctx.spec.pointer}/data: the data sources have no rows")
    return rows


def _setup(ctx: RunContext, n_rows: int):
    spec, d = ctx.spec, ctx.dist
    seed_everything(spec.seed, d.rank)
    policy = load_model(spec.model, spec.seed, ctx.base_dir, ctx.run_dir, d.device, trainable=True,
                        shard=shards_policy(ctx))
    per_step = spec.fields["batch_size"] * spec.training.grad_accum
    total = math.ceil(n_rows * spec.fields["epochs"] / per_step)
    shuffle = any(s.dataset is None or s.dataset.shuffle for s in spec.data)
    order = Order(n_rows, spec.seed, shuffle, spec.name)
    return policy, per_step, total, order


def _micro(ctx: RunContext, n: int) -> int:
    return ctx.spec.training.micro_batch_size or max(1, n)


def run_sft(ctx: RunContext) -> Dict[str, Any]:
    """Cross-entropy on the target (or response) tokens of prompt → target rows."""
    spec, d = ctx.spec, ctx.dist
    rows = _rows(ctx)
    pairs = [(r.get("prompt", ""), sft_target(r, spec.pointer + "/data"), system_of(r)) for r in rows]
    policy, per_step, total, order = _setup(ctx, len(pairs))
    tok, max_len, norm = policy.tokenizer, min(spec.fields["max_length"], policy.context), spec.training.loss_norm
    enc = [(tok.encode_prompt(str(p), system), tok.encode_response(t)) for p, t, system in pairs]
    trainer = Trainer(ctx, policy, total, spec.fields["lr"])
    trainer.prepare_run_dir()

    def step_fn(step: int) -> Tuple[list, Dict[str, Any]]:
        idx = order.take(step * per_step, per_step)
        denom = float(sum(min(len(enc[i][1]), max_len - 1) for i in idx)) if norm == "token" else float(per_step)
        mine = rank_slice(idx, d.rank, d.world, spec.pointer + "/batch_size")
        m = _micro(ctx, len(mine))

        def item(chunk: List[int]):
            def run() -> torch.Tensor:
                lp, mask = token_logprobs(policy, [enc[i][0] for i in chunk], [enc[i][1] for i in chunk],
                                          module=policy.module, max_len=max_len)
                return L.sft_loss(lp, mask, norm, denom)
            return run
        tokens = sum(len(enc[i][0]) + len(enc[i][1]) for i in mine)
        return [item(mine[i:i + m]) for i in range(0, len(mine), m)], {"tokens": tokens}
    trainer.run(step_fn)
    return {"steps": total, "rows": len(pairs)}


def _keep_end(ids: List[int], cap) -> List[int]:
    return ids if cap is None or len(ids) <= cap else ids[len(ids) - cap:]


def run_dpo(ctx: RunContext) -> Dict[str, Any]:
    """DPO on (prompt, chosen, rejected) rows against a frozen reference."""
    spec, d = ctx.spec, ctx.dist
    rows = _rows(ctx)
    for r in rows:
        if not (isinstance(r.get("chosen"), str) and isinstance(r.get("rejected"), str)):
            raise UserError(f"{spec.pointer}/data: DPO rows need text fields chosen and rejected "
                            f"(fields: {', '.join(sorted(r))})")
    policy, per_step, total, order = _setup(ctx, len(rows))
    disable_dropout(policy.module)
    fsdp = training_mode(ctx, policy) == "fsdp"
    frozen = FrozenModels(ctx, shard=fsdp and sharded.available())
    reference = frozen.reference(spec.reference, policy, spec.model)
    tok, max_len, beta = policy.tokenizer, min(spec.fields["max_length"], policy.context), spec.fields["beta"]
    cap = spec.fields.get("max_prompt_length")
    # A long prompt keeps its end (the question nearest the answer), as TRL's keep_end does.
    enc = [(_keep_end(tok.encode_prompt(str(r.get("prompt", "")), system_of(r)), cap), tok.encode_response(r["chosen"]),
            tok.encode_response(r["rejected"])) for r in rows]
    trainer = Trainer(ctx, policy, total, spec.fields["lr"])
    trainer.prepare_run_dir()

    def step_fn(step: int) -> Tuple[list, Dict[str, Any]]:
        mine = rank_slice(order.take(step * per_step, per_step), d.rank, d.world, spec.pointer + "/batch_size")
        m = max(1, _micro(ctx, 2 * len(mine)) // 2)

        def item(chunk: List[int]):
            def run() -> torch.Tensor:
                prompts = [enc[i][0] for i in chunk] * 2
                responses = [enc[i][1] for i in chunk] + [enc[i][2] for i in chunk]
                with torch.no_grad():
                    ref, _ = sequence_logprobs(reference, prompts, responses, max_len=max_len)
                logp, _ = sequence_logprobs(policy, prompts, responses, module=policy.module, max_len=max_len)
                n = len(chunk)
                return L.dpo_loss(logp[:n], ref[:n], logp[n:], ref[n:], beta, float(per_step))
            return run
        tokens = sum(2 * len(enc[i][0]) + len(enc[i][1]) + len(enc[i][2]) for i in mine)
        return [item(mine[i:i + m]) for i in range(0, len(mine), m)], {"tokens": tokens}
    trainer.run(step_fn)
    return {"steps": total, "rows": len(rows)}
