"""The reward_model stage: a Bradley-Terry reward model trained on (prompt, chosen, rejected) pairs.

The model is the built-in transformer with a scalar head (TinyRewardModel) read at each
sequence's last token, as the built-in reward models are scored (saved with kind
`builtin_reward` in align_model.json), or a Hugging Face one-label sequence-classification
model (hf_reward.py; kind `hf_reward`, a save_pretrained directory). Either loads as a reward's
`from = stage.model` source. Held-out
pairs (the `held_out` data, else the last `eval_fraction` of a seeded shuffle) are never trained
on; their pairwise accuracy goes to result.json and the stage's last metrics line.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Tuple

import torch

from .. import losses as L
from ..context import RunContext
from ..data import Order, load_rows, rank_slice
from ..errors import UserError
from ..hf import reward_encoder
from ..hf_reward import load_scalar_head, model_dir, reward_language_model, warn_unused_lora
from ..model_builtin import BuiltinConfig, TinyRewardModel
from ..models import MODEL_META, LanguageModel, cast, check_model_dir, output_type, seed_for
from ..seeding import seed_everything
from ..tokenizer import ByteTokenizer, system_of
from ..trainer import Trainer, training_mode

Pair = Tuple[List[int], List[int]]      # prompt + chosen, prompt + rejected (token ids)


def _pairs(ctx: RunContext, sources: List[Any], where: str) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    for spec in sources:
        rows += load_rows(spec, ctx.base_dir, ctx.run_dir)
    for r in rows:
        if not (isinstance(r.get("chosen"), str) and isinstance(r.get("rejected"), str)):
            raise UserError(f"{where}: reward-model rows need text fields chosen and rejected "
                            f"(fields: {', '.join(sorted(r))})")
    return rows


def split_held_out(n: int, fraction: float, seed: int) -> Tuple[List[int], List[int]]:
    """(train, held-out) row indices: a seeded permutation, its last ⌈fraction·n⌉ held out."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    n_out = math.ceil(fraction * n) if fraction > 0 else 0
    return sorted(perm[:n - n_out]), sorted(perm[n - n_out:])


def _encode(rows: List[Dict[str, Any]], net: LanguageModel, context: int) -> List[Pair]:
    """Prompt + chosen and prompt + rejected as the model reads them when it scores a reward (the
    built-in byte tokenizer's prompt and response, or hf.reward_encoder), keeping the last
    `context` tokens: the end is what the head reads."""
    if net.backend == "hf":
        encode = reward_encoder(net.tokenizer.tok)
        prompts = [str(r.get("prompt", "")) for r in rows]
        chosen, rejected = encode(prompts, [r["chosen"] for r in rows]), encode(prompts, [r["rejected"] for r in rows])
        return [(c[-context:], j[-context:]) for c, j in zip(chosen, rejected)]
    tok = net.tokenizer

    def seq(r: Dict[str, Any], answer: str) -> List[int]:
        ids = tok.encode_prompt(str(r.get("prompt", "")), system_of(r)) + tok.encode_response(answer)
        return ids[-context:]
    return [(seq(r, r["chosen"]), seq(r, r["rejected"])) for r in rows]


def _batch(seqs: List[List[int]], pad: int, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    return ids.to(device), mask.to(device)


def _scores(module: torch.nn.Module, pairs: List[Pair], pad: int, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
    """Scores of the chosen and the rejected sequences [P], in one forward."""
    ids, mask = _batch([p[0] for p in pairs] + [p[1] for p in pairs], pad, device)
    scores = module(ids, mask).float()
    return scores[:len(pairs)], scores[len(pairs):]


def _reward_net(ctx: RunContext) -> LanguageModel:
    """The model to train: the built-in transformer with a scalar head (fresh from a builtin(...)
    declaration, or over an sft/dpo/cgpo stage's built-in output), or a Hugging Face checkpoint
    as a one-label sequence-classification model (hf_reward.py)."""
    spec = ctx.spec
    src, where = spec.model.source, spec.pointer + "/model"
    path, kind = None, src["type"]
    if kind == "stage":
        path = ctx.run_dir / src["stage"] / "model"
        check_model_dir(path, where)
        kind = output_type(path) or "hf"       # no align_model.json: a Hugging Face checkpoint
    if kind in ("hf", "local"):
        ident = model_dir(src, ctx.base_dir, ctx.run_dir, where)
        warn_unused_lora(spec.model, where)
        module, tok = load_scalar_head(ident, spec.seed, spec.model.name, ctx.dist.device, where)
        context = int(getattr(module.model.config, "max_position_embeddings", None) or 4096)
        return reward_language_model(module, tok, ident, context)
    if kind != "builtin":
        raise UserError(f"{where}: a reward_model stage trains a builtin(...) or Hugging Face language model; "
                        f"it cannot start from a {kind} model")
    cfg = BuiltinConfig(**json.loads((path / MODEL_META).read_text())["config"]) if path is not None else \
        BuiltinConfig(src["layers"], src["width"], src["heads"], src["context"], src.get("vocab") or 259)
    torch.manual_seed(seed_for(spec.seed, spec.model.name))
    module = TinyRewardModel(cfg)
    if path is not None:                  # a trained language model's transformer under a fresh head
        module.lm.load_state_dict(torch.load(path / "model.pt", map_location="cpu"))
    cast(module, ctx.dist.device, torch.float32)
    module.train(True)
    return LanguageModel(module, ByteTokenizer(), "builtin", cfg.context,
                         {"type": "builtin_reward", "config": cfg.to_dict()})


def run(ctx: RunContext) -> Dict[str, Any]:
    spec, d = ctx.spec, ctx.dist
    seed_everything(spec.seed, d.rank)
    rows = _pairs(ctx, spec.data, spec.pointer + "/data")
    if spec.held_out:
        train_rows, held_rows = rows, _pairs(ctx, spec.held_out, spec.pointer + "/held_out")
    else:
        train_idx, held_idx = split_held_out(len(rows), spec.fields["eval_fraction"], spec.seed)
        train_rows, held_rows = [rows[i] for i in train_idx], [rows[i] for i in held_idx]
    if not train_rows:
        raise UserError(f"{spec.pointer}/data: no pairs left to train on after holding some out")
    net = _reward_net(ctx)
    if net.backend == "hf" and training_mode(ctx, net) == "fsdp":
        raise UserError(f"{spec.pointer}: a Hugging Face reward model is trained replicated (one rank or DDP), "
                        f"not FSDP-sharded; set sharding = ddp in the cluster block")
    context = min(spec.fields["max_length"], net.context)
    train, held = _encode(train_rows, net, context), _encode(held_rows, net, context)
    per_step = spec.fields["batch_size"] * spec.training.grad_accum
    total = math.ceil(len(train) * spec.fields["epochs"] / per_step)
    order = Order(len(train), spec.seed, True, spec.name)
    margin, pad = spec.fields["margin"], net.tokenizer.pad_id
    trainer = Trainer(ctx, net, total, spec.fields["lr"])
    trainer.prepare_run_dir()

    def step_fn(step: int) -> Tuple[list, Dict[str, Any]]:
        mine = rank_slice(order.take(step * per_step, per_step), d.rank, d.world, spec.pointer + "/batch_size")
        m = ctx.spec.training.micro_batch_size or max(1, len(mine))

        def item(chunk: List[int]):
            def run_chunk() -> torch.Tensor:
                c, r = _scores(net.module, [train[i] for i in chunk], pad, d.device)
                return L.bradley_terry_loss(c, r, margin, float(per_step))
            return run_chunk
        tokens = sum(len(train[i][0]) + len(train[i][1]) for i in mine)
        return [item(mine[i:i + m]) for i in range(0, len(mine), m)], {"tokens": tokens}
    trainer.run(step_fn)
    accuracy = held_out_accuracy(net.unwrapped(), held, pad, d.device)
    return {"steps": total, "pairs": len(train), "held_out_pairs": len(held), "held_out_accuracy": accuracy}


@torch.no_grad()
def held_out_accuracy(module: torch.nn.Module, pairs: List[Pair], pad: int, device: torch.device,
                      chunk: int = 64) -> float:
    """Pairwise accuracy of the trained model on pairs it never saw (every rank computes it)."""
    if not pairs:
        return 0.0
    module.eval()
    wins = 0.0
    for i in range(0, len(pairs), chunk):
        c, r = _scores(module, pairs[i:i + chunk], pad, device)
        wins += L.pairwise_accuracy(c, r) * c.numel()
    return wins / len(pairs)
