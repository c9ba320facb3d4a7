"""Turn a task's rollout into loss work items for CRPG, CODPO or CRRAFT (CGPO, arXiv 2409.20370;
docs/worker.md, "Losses"), GRPO, RLOO or PPO (docs/optimizers.md).

Each work item is one micro-batch forward returning ρ_l · loss_l, where loss_l is normalised by
the task's global count (samples, kept prompts, or tokens) so that summing items over ranks and
micro-batches gives exactly the loss of the whole batch.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from . import losses as L
from .distributed import Dist
from .generation import response_logprobs, sequence_logprobs
from .models import LanguageModel
from .plan import TaskSpec
from .rollout import Rollout
from .value import ValueModel

Work = Callable[[], torch.Tensor]


def _chunks(items: List[int], size: int) -> List[List[int]]:
    size = max(1, size)
    return [items[i:i + size] for i in range(0, len(items), size)]


def build_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
               record: Dict[str, Any], critic: Optional[ValueModel] = None) -> List[Work]:
    """Work items for the task's optimizer; fills optimizer-specific metrics into `record`.
    `critic`: a PPO task's value model."""
    record["_loss_local"] = 0.0
    if r.task.optimizer.variant == "ppo":
        assert critic is not None, "a PPO task trains with its value model"
        return ppo_work(r, policy, critic, d, micro, record)
    fn = {"crpg": crpg_work, "codpo": codpo_work, "crraft": crraft_work, "grpo": grpo_work,
          "rloo": rloo_work}[r.task.optimizer.variant]
    return fn(r, policy, d, norm, micro, record)


def inner_updates(task: TaskSpec) -> int:
    """Optimizer updates per rollout: GRPO's and PPO's ppo_epochs (the same work re-run, each
    pass against the rollout's old log-probs and values); 1 for the others."""
    return task.optimizer.ppo_epochs if task.optimizer.variant in ("grpo", "ppo") else 1


def _forward(policy: LanguageModel, prompts: List[List[int]], responses: List[List[int]],
             temperature: float = 1.0) -> torch.Tensor:
    logp, _ = sequence_logprobs(policy, prompts, responses, module=policy.module, temperature=temperature)
    return logp.float().cpu() if logp.device.type != "cpu" else logp.float()


def _forward_tokens(policy: LanguageModel, prompts: List[List[int]], responses: List[List[int]],
                    temperature: float) -> Tuple[torch.Tensor, torch.Tensor]:
    logp, mask = response_logprobs(policy, prompts, responses, module=policy.module, temperature=temperature)
    return logp.float().cpu(), mask.cpu()


def _global(d: Dist, *values: float) -> List[float]:
    return d.reduce_sum(torch.tensor(values, dtype=torch.float64)).tolist()


def crpg_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
              record: Dict[str, Any]) -> List[Work]:
    opt, w = r.task.optimizer, r.task.weight
    adv, gate = L.crpg_advantages(r.logp_old, r.logp_ref, r.calibrated, r.feasible, opt.kl_max,
                                  r.valid, reduce_sum=d.reduce_sum)
    valid = r.valid.float()
    all_skipped = float((r.grid(valid).sum(1) == 0).sum())
    n_valid, n_tokens, gate_zero, gate_sum, skipped = _global(
        d, float(valid.sum()), float((r.lengths * valid).sum()), float(((gate == 0).float() * valid).sum()),
        float((gate * valid).sum()), all_skipped)
    denom = n_tokens if norm == "token" else n_valid
    record.update({"kl_gate_zero_rate": gate_zero / max(n_valid, 1.0),
                   "kl_gate_mean": gate_sum / max(n_valid, 1.0), "skipped_prompts": int(skipped),
                   "advantage_abs_mean": float(adv.abs().mean()) if adv.numel() else 0.0})
    return _reinforce_work(r, policy, adv, denom, micro, record)


def _reinforce_work(r: Rollout, policy: LanguageModel, adv: torch.Tensor, denom: float, micro: int,
                    record: Dict[str, Any]) -> List[Work]:
    """Items of −Σ A·log π / denom over the valid samples (CRPG, RLOO)."""
    opt, w = r.task.optimizer, r.task.weight
    idx = [i for i in range(len(r.texts)) if bool(r.valid[i])]
    prompts = [r.prompt_ids[i // r.k] for i in range(len(r.texts))]

    def item(chunk: List[int]) -> Work:
        def run() -> torch.Tensor:
            logp = _forward(policy, [prompts[i] for i in chunk], [r.sample_ids[i] for i in chunk], opt.temperature)
            loss = L.crpg_loss(logp, adv[chunk], None, denom)
            record["_loss_local"] += float(loss.detach())
            return w * loss
        return run
    return [item(c) for c in _chunks(idx, micro)]


def _group_metrics(r: Rollout, d: Dist, adv: torch.Tensor) -> Dict[str, Any]:
    """Prompts with no valid sample (skipped) and with no signal (every advantage 0, as when all
    of a prompt's samples get the same reward), over the global batch."""
    skipped, flat = _global(d, float((r.grid(r.valid.float()).sum(1) == 0).sum()),
                            float((r.grid(adv).abs().sum(1) == 0).sum()))
    return {"skipped_prompts": int(skipped), "zero_advantage_prompts": int(flat),
            "advantage_abs_mean": float(adv.abs().mean()) if adv.numel() else 0.0}


def _trained_reward(r: Rollout) -> torch.Tensor:
    """GRPO's and RLOO's reward: r(s,a), or the declared penalty where judges gate it; 0 where a
    judge asked to skip the sample (it leaves every baseline through `valid`)."""
    opt = r.task.optimizer
    reward = L.gated_reward(r.raw, r.feasible, opt.infeasible_reward, opt.judges_gate)
    return torch.where(r.valid, reward, torch.zeros_like(reward))


def rloo_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
              record: Dict[str, Any]) -> List[Work]:
    """RLOO: REINFORCE with the leave-one-out baseline on r − β·(log π_old − log π_ref)."""
    opt = r.task.optimizer
    kl = (r.logp_old - r.logp_ref) * r.valid
    reward = _trained_reward(r) - opt.kl_coef * kl
    adv = L.rloo_advantages(r.grid(reward), r.grid(r.valid)).flatten()
    valid = r.valid.float()
    n_valid, n_tokens, kl_sum = _global(d, float(valid.sum()), float((r.lengths * valid).sum()), float(kl.sum()))
    record.update({**_group_metrics(r, d, adv), "kl_mean": kl_sum / max(n_valid, 1.0)})
    return _reinforce_work(r, policy, adv, n_tokens if norm == "token" else n_valid, micro, record)


def grpo_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
              record: Dict[str, Any]) -> List[Work]:
    """GRPO: the clipped per-token surrogate on group-normalised advantages, minus β·KL.

    The items are re-run for each of `ppo_epochs` updates; the loss reported is the first pass's.
    `loss_aggregation`, not the stage's loss_norm, sets the denominator."""
    opt, w, tok = r.task.optimizer, r.task.weight, r.tokens_old
    assert tok is not None, "a GRPO rollout carries per-token log-probs"
    adv = L.group_advantages(r.grid(_trained_reward(r)), opt.scale_rewards, r.grid(r.valid)).flatten()
    valid = r.valid.float()
    mask = tok.mask.float() * valid[:, None]
    kl = L.kl_estimate(tok.old, tok.ref, opt.kl_estimator) * mask
    n_valid, n_tokens, kl_sum = _global(d, float(valid.sum()), float(mask.sum()), float(kl.sum()))
    denom = n_tokens if opt.loss_aggregation == "token" else n_valid
    record.update({**_group_metrics(r, d, adv), "kl_mean": kl_sum / max(n_valid, 1.0)})
    idx = [i for i in range(len(r.texts)) if bool(r.valid[i])]

    def item(chunk: List[int]) -> Work:
        passes = [0]

        def run() -> torch.Tensor:
            logp, m = _forward_tokens(policy, [r.prompt_ids[i // r.k] for i in chunk],
                                      [r.sample_ids[i] for i in chunk], opt.temperature)
            width = logp.shape[1]
            loss = L.grpo_loss(logp, tok.old[chunk, :width], tok.ref[chunk, :width], m, adv[chunk],
                               opt.clip_eps, opt.kl_coef, opt.kl_estimator, opt.loss_aggregation, denom)
            if passes[0] == 0:
                record["_loss_local"] += float(loss.detach())
            passes[0] += 1
            return w * loss
        return run
    return [item(c) for c in _chunks(idx, micro)]


def ppo_work(r: Rollout, policy: LanguageModel, critic: ValueModel, d: Dist, micro: int,
             record: Dict[str, Any]) -> List[Work]:
    """PPO: GAE over per-token rewards (the gated reward on the last token, −β·KL on each) with
    the value model's estimates at sampling time; each item adds the clipped policy loss (×ρ_l)
    and the clipped value loss, both over the task's response tokens. Re-run for each of
    `ppo_epochs` updates; the losses reported are the first pass's."""
    opt, w, tok = r.task.optimizer, r.task.weight, r.tokens_old
    assert tok is not None, "a PPO rollout carries per-token log-probs"
    prompts = [r.prompt_ids[i // r.k] for i in range(len(r.texts))]
    with torch.no_grad():
        old_v, _ = critic.values(prompts, r.sample_ids)
    old_v = old_v.float().cpu()
    valid = r.valid.float()
    mask = tok.mask.float() * valid[:, None]
    old_v = old_v[:, :mask.shape[1]] * mask
    kl = L.kl_estimate(tok.old, tok.ref, opt.kl_estimator) * mask
    rewards = L.ppo_token_rewards(_trained_reward(r), kl, mask, opt.kl_coef)
    adv, returns = L.gae(rewards, old_v, mask, opt.gamma, opt.lam)
    if opt.whiten_advantages:          # after the returns: the value targets stay unwhitened (TRL, verl)
        adv, _, _ = L.whiten(adv, mask, d.reduce_sum)
    n_valid, n_tokens, kl_sum, adv_abs = _global(d, float(valid.sum()), float(mask.sum()), float(kl.sum()),
                                                 float(adv.abs().sum()))
    skipped, = _global(d, float((r.grid(valid).sum(1) == 0).sum()))
    record.update({"skipped_prompts": int(skipped), "kl_mean": kl_sum / max(n_valid, 1.0),
                   "advantage_abs_mean": adv_abs / max(n_tokens, 1.0), "_value_loss_local": 0.0})
    idx = [i for i in range(len(r.texts)) if bool(r.valid[i])]

    def item(chunk: List[int]) -> Work:
        passes = [0]

        def run() -> torch.Tensor:
            ps, rs = [prompts[i] for i in chunk], [r.sample_ids[i] for i in chunk]
            logp, m = _forward_tokens(policy, ps, rs, opt.temperature)
            values, vm = critic.values(ps, rs)
            width = logp.shape[1]
            values, vm = values[:, :width], vm[:, :width]
            policy_loss = L.ppo_policy_loss(logp, tok.old[chunk, :width], m, adv[chunk, :width],
                                            opt.clip_eps, n_tokens)
            value_loss = L.clipped_value_loss(values.cpu(), old_v[chunk, :width], returns[chunk, :width],
                                              vm.cpu(), opt.value_clip, n_tokens)
            if passes[0] == 0:
                record["_loss_local"] += float(policy_loss.detach())
                record["_value_loss_local"] += float(value_loss.detach())
            passes[0] += 1
            return w * policy_loss + value_loss
        return run
    return [item(c) for c in _chunks(idx, micro)]


def codpo_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
               record: Dict[str, Any]) -> List[Work]:
    opt, w = r.task.optimizer, r.task.weight
    chosen, rejected, keep = L.codpo_select(r.grid(r.raw), r.grid(r.feasible), r.grid(r.valid))
    kept = [p for p in range(len(r.rows)) if bool(keep[p])]
    n_kept, n_prompts = _global(d, float(len(kept)), float(len(r.rows)))
    record.update({"skipped_prompts": int(n_prompts - n_kept), "pairs": int(n_kept)})
    k = r.k

    def item(chunk: List[int]) -> Work:
        def run() -> torch.Tensor:
            ci = [p * k + int(chosen[p]) for p in chunk]
            ri = [p * k + int(rejected[p]) for p in chunk]
            prompts = [r.prompt_ids[p] for p in chunk] * 2
            logp = _forward(policy, prompts, [r.sample_ids[i] for i in ci + ri], opt.temperature)
            n = len(chunk)
            loss = L.codpo_loss(logp[:n], r.logp_ref[ci], logp[n:], r.logp_ref[ri], r.lengths[ci],
                                opt.beta, opt.lam, n_kept)
            record["_loss_local"] += float(loss.detach())
            return w * loss
        return run
    return [item(c) for c in _chunks(kept, max(1, micro // 2))]


def crraft_work(r: Rollout, policy: LanguageModel, d: Dist, norm: str, micro: int,
                record: Dict[str, Any]) -> List[Work]:
    opt, w = r.task.optimizer, r.task.weight
    ratio = r.grid(r.logp_old - r.logp_ref)
    base_ok = torch.tensor([b.feasible for b in r.baselines], dtype=torch.bool)
    best, use_base, keep = L.crraft_select(r.grid(r.raw), r.grid(r.feasible), ratio, opt.kl_max,
                                           base_ok, opt.fallback, r.grid(r.valid))
    weights = L.crraft_weights(r.grid(r.calibrated), best, use_base)
    kept = [p for p in range(len(r.rows)) if bool(keep[p])]
    targets = {p: (policy.tokenizer.encode_response(r.baselines[p].text or "") if bool(use_base[p])
                   else r.sample_ids[p * r.k + int(best[p])]) for p in kept}
    over = float(((ratio > opt.kl_max) & r.grid(r.feasible)).sum())
    n_kept, n_prompts, n_tok, n_base, n_over = _global(
        d, float(len(kept)), float(len(r.rows)), float(sum(len(t) for t in targets.values())),
        float(use_base.sum()), over)
    denom = n_tok if norm == "token" else n_kept
    record.update({"skipped_prompts": int(n_prompts - n_kept), "baseline_fallbacks": int(n_base),
                   "kl_filtered_samples": int(n_over)})

    def item(chunk: List[int]) -> Work:
        def run() -> torch.Tensor:
            logp = _forward(policy, [r.prompt_ids[p] for p in chunk], [targets[p] for p in chunk], opt.temperature)
            loss = L.crraft_loss(logp, weights[chunk], denom)
            record["_loss_local"] += float(loss.detach())
            return w * loss
        return run
    return [item(c) for c in _chunks(kept, micro)]


def token_count(r: Rollout) -> int:
    return int(r.prompt_tokens + r.lengths.sum())

