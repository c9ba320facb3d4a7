"""The losses of CGPO (arXiv 2409.20370; docs/worker.md, "Losses") as small pure functions on tensors.

Conventions shared by every function here:
- `logp` is a *sequence* log-probability, the sum of the response tokens' log-probabilities
  (EOS included when the sample ended with it). Shapes are given per argument.
- Losses return `sum(per-item loss) / denom`. `denom` defaults to the number of items that count,
  which gives the plain mean; the trainer passes the global count (over every rank and
  micro-batch of one optimizer step), so the gradient is the same however the batch is split.
- Nothing here calls torch.distributed; a cross-rank reduction is passed in as `reduce_sum`.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn.functional as F

Tensor = torch.Tensor
ReduceSum = Callable[[Tensor], Tensor]

BASELINE_FALLBACK_WEIGHT = 0.5   # Rc(s, ā) = sigmoid(r(ā) - r(ā)) = sigmoid(0)


def _denom(denom: Optional[float], count: Tensor) -> Tensor:
    """The given denominator, or the count clamped to 1 so an empty batch yields loss 0."""
    if denom is not None:
        return torch.as_tensor(float(max(denom, 1e-12)), dtype=torch.float32, device=count.device)
    return count.float().clamp(min=1.0)


def calibrated_reward(reward: Tensor, baseline: Optional[Tensor] = None) -> Tensor:
    """Rc(s,a) = sigmoid(r(s,a) - r(s,ā)); with no baseline, sigmoid(r(s,a)).

    Calibration makes rewards comparable across prompts and bounds each in (0, 1).
    """
    return torch.sigmoid(reward if baseline is None else reward - baseline)


def kl_gate(logp_old: Tensor, logp_ref: Tensor, kl_max: float) -> Tensor:
    """g = max(1 - (log π(a|s) - log π_ref(a|s)) / KL_max, 0), from sampling-time log-probs.

    The gate is deliberately not capped above: a negative log ratio gives g > 1 (paper eq. 11).
    The inputs are detached: the gate is a weight, never differentiated.
    """
    ratio = (logp_old - logp_ref).detach()
    return torch.clamp(1.0 - ratio / kl_max, min=0.0)


def crpg_advantages(logp_old: Tensor, logp_ref: Tensor, calibrated: Tensor, feasible: Tensor,
                    kl_max: float, valid: Optional[Tensor] = None,
                    reduce_sum: Optional[ReduceSum] = None) -> Tuple[Tensor, Tensor]:
    """CRPG advantages A = g·R - mean(g·R), R = Rc·1[feasible], over all B·K samples of a task.

    All arguments have shape [N] (N = B·K samples on this rank). `valid` drops samples a judge
    asked to skip: they get A = 0 and are not in the mean. `reduce_sum` sums a tensor over ranks,
    so the mean is over the task's global batch, not a per-rank batch. Returns (A, g).
    """
    valid_f = torch.ones_like(calibrated) if valid is None else valid.to(calibrated.dtype)
    gate = kl_gate(logp_old, logp_ref, kl_max)
    gr = gate * calibrated.detach() * feasible.to(calibrated.dtype)
    stats = torch.stack([(gr * valid_f).sum(), valid_f.sum()])
    if reduce_sum is not None:
        stats = reduce_sum(stats)
    mean = stats[0] / stats[1].clamp(min=1.0)
    return (gr - mean) * valid_f, gate


def crpg_loss(logp: Tensor, advantages: Tensor, valid: Optional[Tensor] = None,
              denom: Optional[float] = None) -> Tensor:
    """loss = -mean(A · log π(a|s)); gradient = -mean(A · ∇ log π) (REINFORCE, no critic, no clip).

    logp [N] carries the gradient; advantages [N] are constants.
    """
    count = torch.as_tensor(logp.numel() if valid is None else int(valid.sum()), device=logp.device)
    a = advantages.detach() if valid is None else advantages.detach() * valid.to(logp.dtype)
    return -(a * logp).sum() / _denom(denom, count)


GROUP_STD_EPS = 1e-4      # GRPO's std floor (TRL's value): a group of equal rewards gets A = 0


def gated_reward(reward: Tensor, feasible: Tensor, infeasible_reward: float, gate: bool) -> Tensor:
    """The reward the baselines train on: r, or `infeasible_reward` for an infeasible sample when
    the judges gate the reward (otherwise the judges are only reported)."""
    if not gate:
        return reward
    return torch.where(feasible.bool(), reward, torch.full_like(reward, float(infeasible_reward)))


def group_advantages(rewards: Tensor, scale: bool, valid: Optional[Tensor] = None,
                     eps: float = GROUP_STD_EPS) -> Tensor:
    """GRPO's per-prompt baseline on rewards [P, K]: A = r − mean_g(r), divided by std_g(r) + eps
    when `scale` (DeepSeekMath), left unscaled otherwise (Dr. GRPO).

    mean and the unbiased std are over each group's valid samples; invalid samples get A = 0, and
    a group with a single valid sample has std 0, so its one sample gets A = 0 as well.
    """
    v = torch.ones_like(rewards) if valid is None else valid.to(rewards.dtype)
    n = v.sum(dim=1, keepdim=True)
    mean = (rewards * v).sum(dim=1, keepdim=True) / n.clamp(min=1.0)
    dev = (rewards - mean) * v
    if scale:
        std = ((dev ** 2).sum(dim=1, keepdim=True) / (n - 1.0).clamp(min=1.0)).sqrt()
        dev = dev / (std + eps)
    return dev.detach()


def rloo_advantages(rewards: Tensor, valid: Optional[Tensor] = None) -> Tensor:
    """RLOO's leave-one-out baseline on rewards [P, K]: A_i = r_i − mean_{j≠i}(r_j) over the
    prompt's valid samples. Invalid samples, and prompts with fewer than 2 valid samples, get 0."""
    v = torch.ones_like(rewards) if valid is None else valid.to(rewards.dtype)
    n = v.sum(dim=1, keepdim=True)
    others = ((rewards * v).sum(dim=1, keepdim=True) - rewards) / (n - 1.0).clamp(min=1.0)
    return ((rewards - others) * v * (n >= 2).to(rewards.dtype)).detach()


def kl_estimate(logp: Tensor, logp_ref: Tensor, estimator: str) -> Tensor:
    """Per-token estimate of KL(π‖π_ref) from tokens sampled by π (Schulman's estimators).

    With x = log π_ref − log π: k1 = −x (unbiased, can be negative); k3 = e^x − x − 1 (unbiased,
    never negative, lower variance). The reference is a constant.
    """
    x = logp_ref.detach() - logp
    if estimator == "k1":
        return -x
    if estimator == "k3":
        return torch.exp(x) - x - 1.0
    raise ValueError(f"unknown KL estimator {estimator!r} (k1 or k3)")


def clipped_surrogate(logp: Tensor, logp_old: Tensor, advantages: Tensor, clip_eps: float) -> Tensor:
    """min(ρ·A, clip(ρ, 1−ε, 1+ε)·A) per token, ρ = exp(log π − log π_old); tokens [N, L], A [N]
    (one advantage per sample, GRPO) or [N, L] (one per token, PPO)."""
    ratio = torch.exp(logp - logp_old.detach())
    a = advantages.detach()
    a = a[:, None] if a.dim() == 1 else a
    return torch.min(ratio * a, torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * a)


def grpo_loss(logp: Tensor, logp_old: Tensor, logp_ref: Tensor, mask: Tensor, advantages: Tensor,
              clip_eps: float, kl_coef: float, kl_estimator: str, aggregation: str,
              denom: Optional[float] = None) -> Tensor:
    """GRPO: per token ℓ = −(min(ρA, clip(ρ)A) − β·KL), then aggregated.

    Token log-probs [N, L] are response-aligned (token t of each response in column t), mask [N, L].
    "sequence": mean over samples of each sample's mean token loss (DeepSeekMath), denom = samples;
    "token": Σ ℓ over every token / token count (DAPO), denom = tokens.
    """
    m = mask.to(logp.dtype)
    per_token = -(clipped_surrogate(logp, logp_old, advantages, clip_eps)
                  - kl_coef * kl_estimate(logp, logp_ref, kl_estimator)) * m
    if aggregation == "token":
        return per_token.sum() / _denom(denom, m.sum())
    if aggregation == "sequence":
        per_sample = per_token.sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return per_sample.sum() / _denom(denom, torch.as_tensor(per_sample.numel()))
    raise ValueError(f"unknown loss aggregation {aggregation!r} (token or sequence)")


def gae(rewards: Tensor, values: Tensor, mask: Tensor, gamma: float, lam: float) -> Tuple[Tensor, Tensor]:
    """Generalised advantage estimation over response tokens (PPO; Schulman et al. 2016).

    rewards, values, mask [N, L] (token t of each response in column t; mask 1 on real tokens,
    a response's tokens first). The value after a response's last token is 0 (the episode ends):
    δ_t = r_t + γ·V_{t+1} − V_t,  A_t = δ_t + γλ·A_{t+1},  returns R_t = A_t + V_t.
    Returns (advantages, returns), 0 on padding; neither carries a gradient.
    """
    m = mask.to(values.dtype)
    r, v = rewards.detach() * m, values.detach() * m
    adv = torch.zeros_like(v)
    running = torch.zeros_like(v[:, 0])
    for t in range(v.shape[1] - 1, -1, -1):
        next_v = v[:, t + 1] if t + 1 < v.shape[1] else torch.zeros_like(running)
        delta = r[:, t] + gamma * next_v - v[:, t]
        running = (delta + gamma * lam * running) * m[:, t]
        adv[:, t] = running
    return adv, (adv + v) * m


WHITEN_EPS = 1e-8          # TRL's masked_whiten


def whiten(values: Tensor, mask: Tensor,
           reduce_sum: Optional[Callable[[Tensor], Tensor]] = None) -> Tuple[Tensor, float, float]:
    """(A − mean) / sqrt(var + 1e-8) on the masked entries, 0 elsewhere; mean and variance (with
    Bessel's correction) over every masked entry of the global batch when `reduce_sum` sums
    over ranks (TRL's masked_whiten, shifted to mean 0). Returns (whitened, mean, std)."""
    m = mask.to(torch.float64)
    v = values.detach().to(torch.float64) * m
    total = torch.stack([v.sum(), m.sum()])
    total = reduce_sum(total) if reduce_sum is not None else total
    count = float(total[1])
    mean = float(total[0]) / max(count, 1.0)
    sq = (((v - mean) * m) ** 2).sum().reshape(1)
    sq = reduce_sum(sq) if reduce_sum is not None else sq
    var = float(sq[0]) / (count - 1.0) if count > 1 else 0.0
    out = ((v - mean) / (var + WHITEN_EPS) ** 0.5 * m).to(values.dtype)
    return out, mean, var ** 0.5


def ppo_token_rewards(reward: Tensor, kl: Tensor, mask: Tensor, kl_coef: float) -> Tensor:
    """PPO's per-token reward [N, L]: −β·KL_t on every response token, plus the sequence's reward
    [N] on its last token (as TRL and verl shape it). kl [N, L] is a per-token estimate."""
    m = mask.to(kl.dtype)
    out = -kl_coef * kl.detach() * m
    last = (m.sum(dim=1).long() - 1).clamp(min=0)
    has = m.sum(dim=1) > 0
    rows = torch.arange(out.shape[0], device=out.device)
    out[rows, last] += torch.where(has, reward.detach().to(out.dtype), torch.zeros_like(reward, dtype=out.dtype))
    return out


def ppo_policy_loss(logp: Tensor, logp_old: Tensor, mask: Tensor, advantages: Tensor, clip_eps: float,
                    denom: Optional[float] = None) -> Tensor:
    """PPO's clipped policy loss: −Σ min(ρ_t·A_t, clip(ρ_t, 1−ε, 1+ε)·A_t) over response tokens /
    denom (default: the token count). Tokens [N, L]; A [N, L] from GAE, a constant."""
    m = mask.to(logp.dtype)
    per_token = -clipped_surrogate(logp, logp_old, advantages, clip_eps) * m
    return per_token.sum() / _denom(denom, m.sum())


def clipped_value_loss(values: Tensor, values_old: Tensor, returns: Tensor, mask: Tensor, clip: float,
                       denom: Optional[float] = None) -> Tensor:
    """PPO's value loss: ½·max((V − R)², (clip(V, V_old ± c) − R)²) per token, summed over the
    masked tokens / denom (default: their count)."""
    m = mask.to(values.dtype)
    target, old = returns.detach(), values_old.detach()
    clipped = old + torch.clamp(values - old, -clip, clip)
    per_token = 0.5 * torch.max((values - target) ** 2, (clipped - target) ** 2) * m
    return per_token.sum() / _denom(denom, m.sum())


def codpo_select(rewards: Tensor, feasible: Tensor,
                 valid: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
    """Choose CODPO pairs per prompt from rewards/feasible of shape [P, K].

    chosen = the highest reward among feasible samples; rejected = the lowest reward among
    infeasible samples, or, when every sample is feasible, the lowest among the others. Masks
    use ±inf, never 0, so negative rewards cannot pull an infeasible sample into `chosen`.
    Returns (chosen [P], rejected [P], keep [P]); keep is False when no sample is feasible.
    """
    ok = torch.ones_like(feasible, dtype=torch.bool) if valid is None else valid.bool()
    feas = feasible.bool() & ok
    inf = torch.tensor(float("inf"), dtype=rewards.dtype, device=rewards.device)
    chosen = torch.where(feas, rewards, -inf).argmax(dim=1)
    infeas = ~feasible.bool() & ok
    none_infeasible = ~infeas.any(dim=1, keepdim=True)
    others = ok.clone()
    others.scatter_(1, chosen[:, None], False)
    pool = torch.where(none_infeasible, others, infeas)
    rejected = torch.where(pool, rewards, inf).argmin(dim=1)
    keep = feas.any(dim=1) & pool.any(dim=1)
    return chosen, rejected, keep


def codpo_loss(logp_c: Tensor, ref_c: Tensor, logp_r: Tensor, ref_r: Tensor, len_c: Tensor,
               beta: float, lam: float, denom: Optional[float] = None) -> Tensor:
    """-(log σ(β(Δ+ − Δ−)) + (λ/|a+|)·log π(a+|s)), Δ = log π − log π_ref, mean over pairs.

    All arguments [P] for the kept prompts; len_c is the chosen response's token count.
    """
    margin = beta * ((logp_c - ref_c.detach()) - (logp_r - ref_r.detach()))
    per_pair = -(F.logsigmoid(margin) + lam / len_c.to(logp_c.dtype).clamp(min=1.0) * logp_c)
    return per_pair.sum() / _denom(denom, torch.as_tensor(per_pair.numel()))


def crraft_select(rewards: Tensor, feasible: Tensor, log_ratio: Tensor, kl_max: float,
                  baseline_feasible: Tensor, fallback: str = "baseline",
                  valid: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
    """CRRAFT choice per prompt, inputs [P, K] (baseline_feasible [P]).

    Keep feasible samples with log π − log π_ref ≤ KL_max; take the highest raw reward (the
    calibrated reward ranks the same within a prompt). If none remain: the baseline ā when it is
    feasible and fallback = "baseline", else skip the prompt.
    Returns (best [P], use_baseline [P], keep [P]); `best` is meaningless where no sample remains.
    """
    ok = feasible.bool() & (log_ratio <= kl_max)
    if valid is not None:
        ok = ok & valid.bool()
    inf = torch.tensor(float("inf"), dtype=rewards.dtype, device=rewards.device)
    best = torch.where(ok, rewards, -inf).argmax(dim=1)
    has = ok.any(dim=1)
    use_baseline = ~has & baseline_feasible.bool() & (fallback == "baseline")
    return best, use_baseline, has | use_baseline


def crraft_weights(calibrated: Tensor, best: Tensor, use_baseline: Tensor) -> Tensor:
    """Weight Rc(a*) of each prompt's choice [P]; 0.5 (= sigmoid(0)) for the baseline ā."""
    picked = calibrated.gather(1, best[:, None]).squeeze(1)
    return torch.where(use_baseline, torch.full_like(picked, BASELINE_FALLBACK_WEIGHT), picked)


def crraft_loss(logp_star: Tensor, weights: Tensor, denom: Optional[float] = None) -> Tensor:
    """loss = -mean(Rc(a*) · log π(a*|s)) over kept prompts; logp_star, weights [P]."""
    return -(weights.detach() * logp_star).sum() / _denom(denom, torch.as_tensor(logp_star.numel()))


def sft_loss(token_logp: Tensor, target_mask: Tensor, norm: str = "sample",
             denom: Optional[float] = None) -> Tensor:
    """Cross-entropy on target tokens only; prompt tokens are masked out (mask 0).

    token_logp, target_mask [N, T]. norm "sample": mean over samples of each sample's mean
    token NLL; "token": total NLL over all target tokens / number of target tokens.
    """
    mask = target_mask.to(token_logp.dtype)
    nll = -(token_logp * mask).sum(dim=1)
    if norm == "token":
        return nll.sum() / _denom(denom, mask.sum())
    per_sample = nll / mask.sum(dim=1).clamp(min=1.0)
    return per_sample.sum() / _denom(denom, torch.as_tensor(nll.numel()))


def bradley_terry_loss(score_c: Tensor, score_r: Tensor, margin: float = 0.0,
                       denom: Optional[float] = None) -> Tensor:
    """Reward-model training on pairs [P]: −Σ log σ(r(chosen) − r(rejected) − m) / denom.

    Bradley-Terry's P(chosen ≻ rejected) = σ(r_c − r_r); a margin m > 0 asks the chosen response
    to win by at least m (Llama 2's reward models use one per pair; here it is one constant).
    """
    per_pair = -F.logsigmoid(score_c - score_r - margin)
    return per_pair.sum() / _denom(denom, torch.as_tensor(per_pair.numel()))


def pairwise_accuracy(score_c: Tensor, score_r: Tensor) -> float:
    """Fraction of pairs whose chosen response scores strictly higher; 0 for no pairs."""
    if score_c.numel() == 0:
        return 0.0
    return float((score_c > score_r).float().mean())


def dpo_loss(logp_c: Tensor, ref_c: Tensor, logp_r: Tensor, ref_r: Tensor, beta: float,
             denom: Optional[float] = None) -> Tensor:
    """DPO on offline pairs: -mean(log σ(β((log π_c − log ref_c) − (log π_r − log ref_r))))."""
    margin = beta * ((logp_c - ref_c.detach()) - (logp_r - ref_r.detach()))
    per_pair = -F.logsigmoid(margin)
    return per_pair.sum() / _denom(denom, torch.as_tensor(per_pair.numel()))


def multitask_loss(losses: Dict[str, Tensor], weights: Dict[str, float]) -> Tensor:
    """Σ_l ρ_l · loss_l: one loss, hence one optimizer step, over all tasks (paper Alg. 2)."""
    return sum(weights[name] * loss for name, loss in losses.items())
