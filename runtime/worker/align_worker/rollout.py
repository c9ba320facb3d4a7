"""One task's on-policy batch at one step: prompts → K samples → judges → rewards → log-probs.

Prompts of the task's global batch are split over ranks; every sample of a prompt stays on the
prompt's rank, so per-prompt choices (CODPO, CRRAFT) are local and only batch means are reduced.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from .data import rank_slice, render
from .generation import fit_to_context, generate, pad_rows, token_batches, token_logprobs
from .judge_client import JudgeResult
from .models import LanguageModel
from .plan import TaskSpec
from .rewards import Baseline, RewardFunction
from .seeding import derive_seed
from .tokenizer import system_of

GEN_CHUNK = 256          # sequences per generate() call (bounds KV-cache memory)
SCORE_TOKENS = 16384     # padded tokens per no-grad reference forward (bounds activations, logits)


@dataclass
class TokenScores:
    """Response-aligned per-token log-probs [P·K, L] of the sampling policy and the reference."""
    old: torch.Tensor
    ref: torch.Tensor
    mask: torch.Tensor


@dataclass
class Rollout:
    task: TaskSpec
    rows: List[Dict[str, Any]]          # this rank's prompt rows [P]
    prompt_ids: List[List[int]]         # [P]
    sample_ids: List[List[int]]         # [P·K] response tokens, prompt-major
    texts: List[str]                    # [P·K]
    logp_old: torch.Tensor              # [P·K] log π at sampling time
    logp_ref: torch.Tensor              # [P·K]
    lengths: torch.Tensor               # [P·K] response tokens
    results: List[JudgeResult]          # [P·K]
    feasible: torch.Tensor              # [P·K] bool
    valid: torch.Tensor                 # [P·K] bool (False: a judge asked to skip the sample)
    raw: torch.Tensor                   # [P·K] r(s,a)
    calibrated: torch.Tensor            # [P·K] Rc(s,a)
    baselines: List[Baseline]           # [P]
    prompt_tokens: int
    prompts_truncated: int = 0          # prompts cut to max_prompt_tokens (truncation = left)
    tokens_old: Optional["TokenScores"] = None   # GRPO, PPO: per-token log π_old and log π_ref

    @property
    def k(self) -> int:
        return self.task.optimizer.generations

    def grid(self, t: torch.Tensor) -> torch.Tensor:
        """[P·K] → [P, K]."""
        return t.view(len(self.rows), self.k)


def make_rollout(task: TaskSpec, step: int, positions: List[int], rows: List[Dict[str, Any]],
                 policy: LanguageModel, reference: LanguageModel, reward: RewardFunction,
                 judge, seed: int, stage: str, rank: int, world: int, gen_module=None,
                 all_done=None, sync=None, weights=None) -> Rollout:
    """Sample, judge and score this rank's share of the task's batch at `step`.

    log π_old (CRPG's gate, CRRAFT's KL filter) is recomputed with the teacher-forced forward
    the reference uses, not taken from KV-cached decoding: in bf16 the two kernels differ by
    noise that, summed over a long response, can trip a small kl_max on its own. `sync`: the
    rank agreement of sharded (collective) forwards. `weights` (replica.RolloutWeights, an FSDP
    policy): what the phase decodes through, the policy gathered once (whole, or split
    tensor-parallel over ranks of a node) or its shards."""
    opt = task.optimizer
    mine = rank_slice(list(zip(positions, rows)), rank, world, f"{task.pointer}/batch_size")
    rows = [r for _, r in mine]
    prompts = [render(task.template, r, task.pointer + "/template") for r in rows]
    before = policy.tokenizer.truncations
    prompt_ids = [policy.tokenizer.encode_prompt(p, system_of(r)) for p, r in zip(prompts, rows)]
    # Fitted here, not only inside generate: the teacher-forced scoring below reads the same ids.
    prompt_ids = fit_to_context(policy, prompt_ids, opt.max_tokens)
    truncated = policy.tokenizer.truncations - before
    rep_ids = [ids for ids in prompt_ids for _ in range(opt.generations)]
    seeds = [derive_seed(seed, stage, task.name, step, pos, k) for pos, _ in mine for k in range(opt.generations)]
    tokens: List[List[int]] = []
    k, per_call = opt.generations, max(1, GEN_CHUNK // opt.generations)
    longest = max((len(p) for p in prompt_ids), default=0) + opt.max_tokens
    phase = (weights.phase(min(len(rep_ids), per_call * k), longest) if weights is not None
             else contextlib.nullcontext((gen_module, all_done)))
    with phase as (decoder, agree):
        for i in range(0, len(prompt_ids), per_call):     # each prompt prefilled once for its K samples
            s = generate(policy, prompt_ids[i:i + per_call], seeds[i * k:(i + per_call) * k], opt.temperature,
                         opt.top_p, opt.max_tokens, module=decoder, all_done=agree, repeats=k)
            tokens += s.tokens
    texts = [policy.tokenizer.decode(t) for t in tokens]
    rep_rows = [r for r in rows for _ in range(opt.generations)]
    rep_prompts = [p for p in prompts for _ in range(opt.generations)]
    results = judge(rep_rows, rep_prompts, texts)
    baselines = reward.baselines(rows, prompts, need_feasible=opt.variant == "crraft")
    raw = reward.raw(rep_rows, rep_prompts, texts, results)
    # The sharded root when forwards are collective; else the bare module (a DDP wrapper would
    # broadcast buffers in every forward, a collective the ranks' batch counts need not match).
    # Policy, old policy and reference all at the sampling temperature (docs/worker.md).
    t, module = opt.temperature, gen_module or policy.unwrapped()
    per_token = None
    if opt.variant in ("grpo", "ppo"):             # GRPO's and PPO's ratio and KL are per token
        old, mask = score_tokens_no_grad(policy, rep_ids, tokens, module=module, sync=sync, temperature=t)
        ref, _ = score_tokens_no_grad(reference, rep_ids, tokens, sync=sync, temperature=t)
        per_token = TokenScores(old, ref, mask)
        logp_old, logp_ref = (old * mask).sum(dim=1), (ref * mask).sum(dim=1)
    else:
        logp_old = score_no_grad(policy, rep_ids, tokens, module=module, sync=sync, temperature=t)
        logp_ref = score_no_grad(reference, rep_ids, tokens, sync=sync, temperature=t)
    return Rollout(task, rows, prompt_ids, tokens, texts, logp_old, logp_ref,
                   torch.tensor([len(t) for t in tokens], dtype=torch.float32), results,
                   torch.tensor([r.feasible for r in results]), torch.tensor([not r.skip for r in results]),
                   raw, reward.calibrated(raw, baselines, opt.generations), baselines,
                   sum(len(p) for p in prompt_ids) * opt.generations, truncated, per_token)


@torch.no_grad()
def score_tokens_no_grad(lm: LanguageModel, prompts: List[List[int]], responses: List[List[int]],
                         module=None, budget: int = SCORE_TOKENS,
                         sync: Optional[Callable[[float], float]] = None,
                         temperature: float = 1.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Response-aligned token log-probs [N, L] and mask [N, L] without gradient, batched as
    `score_no_grad` batches."""
    rows: List[torch.Tensor] = [torch.zeros(0)] * len(prompts)
    for batch, lp, tmask in _scored_batches(lm, prompts, responses, module, budget, sync, temperature):
        for j, i in enumerate(batch):
            rows[i] = lp[j][tmask[j].bool()].float().cpu()
    return pad_rows(rows)


def _scored_batches(lm: LanguageModel, prompts: List[List[int]], responses: List[List[int]], module,
                    budget: int, sync: Optional[Callable[[float], float]], temperature: float):
    """(rows, token log-probs, target mask) per micro-batch of at most `budget` padded tokens;
    `sync` makes every rank run as many micro-batches as the busiest, padding with a one-token row."""
    lengths = [min(len(p) + len(r), lm.context) for p, r in zip(prompts, responses)]
    batches = token_batches(lengths, budget)
    calls = len(batches) if sync is None else int(sync(float(len(batches))))
    for b in range(calls):
        rows = batches[b] if b < len(batches) else []
        ps = [prompts[i] for i in rows] or [[lm.tokenizer.eos_id]]
        rs = [responses[i] for i in rows] or [[lm.tokenizer.eos_id]]
        lp, tmask = token_logprobs(lm, ps, rs, module, temperature=temperature)
        yield rows, lp, tmask


@torch.no_grad()
def score_no_grad(lm: LanguageModel, prompts: List[List[int]], responses: List[List[int]],
                  module=None, budget: int = SCORE_TOKENS,
                  sync: Optional[Callable[[float], float]] = None, temperature: float = 1.0) -> torch.Tensor:
    """Sequence log-probs [N] without gradient, in micro-batches of at most `budget` padded
    tokens. `sync` (a sharded model, whose forwards are collective) makes every rank run as
    many micro-batches as the busiest one, padding with a one-token row."""
    out = torch.zeros(len(prompts))
    for rows, lp, _ in _scored_batches(lm, prompts, responses, module, budget, sync, temperature):
        if rows:
            out[rows] = lp.sum(dim=1).float().cpu()
    return out


def judge_samples(client, task_name: str, ids_prefix: str, no_judges: bool):
    """A judge function over (rows, prompts, responses); without judges, all samples are feasible."""
    def run(rows: List[Dict[str, Any]], prompts: List[str], texts: List[str]) -> List[JudgeResult]:
        if no_judges:
            return [JudgeResult(True, False, {}) for _ in texts]
        samples = [{"id": f"{ids_prefix}-{i}", "prompt": p, "response": t,
                    "fields": {k: v for k, v in r.items() if k not in ("source", "verdicts")},
                    "source": r.get("source")} for i, (r, p, t) in enumerate(zip(rows, prompts, texts))]
        return client.judge(task_name, samples)
    return run


def rollout_metrics(r: Rollout, reduce_sum, reduce_max) -> Dict[str, Any]:
    """Task metrics over the global batch: rewards, feasibility (overall and per judge), log ratio."""
    v = r.valid.float()
    ratio = (r.logp_old - r.logp_ref)
    judges = [j.name for j in r.task.judges]
    sat = [sum(1.0 for x in r.results if x.verdicts.get(j, {}).get("status") == "satisfied") for j in judges]
    judged = [sum(1.0 for x in r.results if x.verdicts.get(j, {}).get("status") not in (None, "skipped"))
              for j in judges]
    errors = sum(1.0 for x in r.results for vd in x.verdicts.values() if vd.get("status") == "error")
    vec = torch.tensor([float(v.numel()), float(v.sum()), float((r.raw * v).sum()),
                        float((r.calibrated * v).sum()), float((r.feasible.float() * v).sum()),
                        float(ratio.sum()), float((ratio ** 2).sum()), float(r.lengths.sum()),
                        errors, float(r.prompts_truncated)] + sat + judged, dtype=torch.float64)
    g = reduce_sum(vec).tolist()
    n, nv = g[0], max(g[1], 1.0)
    mean = g[5] / max(n, 1.0)
    out = {"task": r.task.name, "samples": int(n), "skipped_samples": int(n - g[1]),
           "reward_raw_mean": g[2] / nv, "reward_calibrated_mean": g[3] / nv,
           "feasible_rate": g[4] / nv, "judge_errors": int(g[8]),
           "log_ratio_mean": mean, "log_ratio_std": max(g[6] / max(n, 1.0) - mean * mean, 0.0) ** 0.5,
           "log_ratio_max": reduce_max(float(ratio.max()) if ratio.numel() else float("-inf")),
           "log_ratio_min": -reduce_max(-float(ratio.min()) if ratio.numel() else float("-inf")),
           "response_tokens_mean": g[7] / max(n, 1.0), "prompts_truncated": int(g[9])}
    m = len(judges)
    out["feasible_rate_by_judge"] = {j: (g[10 + i] / g[10 + m + i] if g[10 + m + i] else None)
                                     for i, j in enumerate(judges)}
    return out
