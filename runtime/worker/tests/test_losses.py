"""Loss functions against hand-computed values, including every edge case of issue 4."""

import math

import pytest
import torch

from align_worker import losses as L


def t(*v):
    return torch.tensor(v, dtype=torch.float32)


def sig(x):
    return 1 / (1 + math.exp(-x))


def test_calibrated_reward_with_and_without_baseline():
    assert L.calibrated_reward(t(2.0), t(1.0)).item() == pytest.approx(sig(1.0))
    assert L.calibrated_reward(t(0.0)).item() == pytest.approx(0.5)
    assert L.calibrated_reward(t(-3.0), t(-3.0)).item() == pytest.approx(0.5)


def test_kl_gate_above_one_and_at_zero():
    # log ratios 0.5, 0, -0.5 (gate > 1), 1.0 (= KL_max → 0), 2.0 (beyond → clamped to 0)
    gate = L.kl_gate(t(-1, -2, -3, -1, 0), t(-1.5, -2, -2.5, -2, -2), kl_max=1.0)
    assert gate.tolist() == pytest.approx([0.5, 1.0, 1.5, 0.0, 0.0])


def test_crpg_hand_computed():
    logp_old, logp_ref = t(-1, -2, -3, -4), t(-1.5, -2, -2.5, -4.4)
    rc, feasible = t(0.8, 0.6, 0.4, 0.9), torch.tensor([True, True, False, True])
    adv, gate = L.crpg_advantages(logp_old, logp_ref, rc, feasible, kl_max=1.0)
    # gate = [0.5, 1, 1.5, 0.6]; g·R = [0.4, 0.6, 0 (infeasible), 0.54]; mean = 0.385
    assert gate.tolist() == pytest.approx([0.5, 1.0, 1.5, 0.6])
    assert adv.tolist() == pytest.approx([0.015, 0.215, -0.385, 0.155], abs=1e-6)
    loss = L.crpg_loss(t(-1, -2, -3, -4), adv)
    assert loss.item() == pytest.approx(-(0.015 * -1 + 0.215 * -2 + -0.385 * -3 + 0.155 * -4) / 4, abs=1e-6)
    assert loss.item() == pytest.approx(-0.0225, abs=1e-6)


def test_crpg_skipped_samples_leave_the_mean():
    adv, _ = L.crpg_advantages(t(0, 0, 0), t(0, 0, 0), t(0.9, 0.5, 0.7), torch.tensor([True, True, True]),
                               kl_max=1.0, valid=torch.tensor([True, False, True]))
    assert adv.tolist() == pytest.approx([0.1, 0.0, -0.1])


def test_crpg_mean_is_reduced_across_ranks():
    # Two "ranks" holding halves of a batch must get the advantages of the whole batch.
    logp, ref, rc = t(-1, -2, -1, -3), t(-1, -2.5, -0.5, -3), t(0.9, 0.2, 0.6, 0.4)
    feas = torch.tensor([True, True, False, True])
    whole, _ = L.crpg_advantages(logp, ref, rc, feas, kl_max=2.0)
    halves = [(slice(0, 2)), (slice(2, 4))]
    total = sum(torch.stack([(L.kl_gate(logp[s], ref[s], 2.0) * rc[s] * feas[s]).sum(), torch.tensor(2.0)])
                for s in halves)
    parts = [L.crpg_advantages(logp[s], ref[s], rc[s], feas[s], 2.0, reduce_sum=lambda x: total)[0]
             for s in halves]
    assert torch.cat(parts).tolist() == pytest.approx(whole.tolist())


def test_codpo_selection_masks_with_infinity_when_rewards_are_negative():
    rewards = t(-1, -3, -2, -5)[None]
    feasible = torch.tensor([[True, True, False, False]])
    chosen, rejected, keep = L.codpo_select(rewards, feasible)
    assert (chosen.item(), rejected.item(), keep.item()) == (0, 3, True)
    # The 0-masking bug would pick the infeasible sample 2 as chosen: argmax([-1, -3, 0, 0]).
    assert int((rewards * feasible).argmax()) == 2


def test_codpo_rejected_is_never_feasible_when_an_infeasible_exists():
    rewards = t(3, 1, 2, 5)[None]
    feasible = torch.tensor([[False, True, True, False]])
    chosen, rejected, keep = L.codpo_select(rewards, feasible)
    assert (chosen.item(), rejected.item(), keep.item()) == (2, 0, True)


def test_codpo_no_feasible_sample_skips_the_prompt():
    _, _, keep = L.codpo_select(t(1, 2, 3)[None], torch.tensor([[False, False, False]]))
    assert keep.tolist() == [False]


def test_codpo_all_feasible_takes_the_lowest_reward_overall():
    chosen, rejected, keep = L.codpo_select(t(2, 0.5, 1, 3)[None], torch.ones(1, 4, dtype=torch.bool))
    assert (chosen.item(), rejected.item(), keep.item()) == (3, 1, True)
    chosen, rejected, _ = L.codpo_select(t(1, 1)[None], torch.ones(1, 2, dtype=torch.bool))
    assert chosen.item() != rejected.item()


def test_codpo_loss_hand_computed():
    loss = L.codpo_loss(t(-2), t(-2.5), t(-3), t(-2.8), t(4), beta=0.5, lam=0.2)
    margin = 0.5 * ((-2 + 2.5) - (-3 + 2.8))
    expected = -(math.log(sig(margin)) + 0.2 / 4 * -2)
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_crraft_selection_fallback_and_skip():
    rewards = t(1, 3, 2, 0.5, 0.2, 0.1, 1, 2, 3).view(3, 3)
    feasible = torch.tensor([[1, 1, 0], [0, 0, 0], [0, 0, 0]], dtype=torch.bool)
    ratio = t(0.1, 0.5, 0.0, 0, 0, 0, 0, 0, 0).view(3, 3)
    base_ok = torch.tensor([True, True, False])
    best, use_base, keep = L.crraft_select(rewards, feasible, ratio, 0.3, base_ok)
    # prompt 0: sample 1 has the best reward but exceeds KL_max, so sample 0; prompt 1: baseline;
    # prompt 2: nothing feasible and the baseline is infeasible → skipped.
    assert best[0].item() == 0
    assert use_base.tolist() == [False, True, False]
    assert keep.tolist() == [True, True, False]
    _, use_base, keep = L.crraft_select(rewards, feasible, ratio, 0.3, base_ok, fallback="skip")
    assert keep.tolist() == [True, False, False] and not use_base.any()


def test_crraft_weights_and_loss():
    calibrated = t(0.7, 0.9, 0.1, 0.2).view(2, 2)
    w = L.crraft_weights(calibrated, torch.tensor([0, 1]), torch.tensor([False, True]))
    assert w.tolist() == pytest.approx([0.7, 0.5])          # baseline ā weighs sigmoid(0)
    loss = L.crraft_loss(t(-2, -4), w)
    assert loss.item() == pytest.approx(-(0.7 * -2 + 0.5 * -4) / 2)


def test_sft_loss_per_sample_and_per_token():
    lp = t(-1, -2, -3, -0.5, -1, 0).view(2, 3)
    mask = torch.tensor([[0, 1, 1], [1, 0, 0]], dtype=torch.bool)
    assert L.sft_loss(lp, mask, "sample").item() == pytest.approx((2.5 + 0.5) / 2)
    assert L.sft_loss(lp, mask, "token").item() == pytest.approx((5 + 0.5) / 3)


def test_dpo_loss_hand_computed():
    loss = L.dpo_loss(t(-1, -2), t(-1.2, -2), t(-3, -1), t(-2.5, -1.5), beta=0.1)
    m1, m2 = 0.1 * (0.2 - -0.5), 0.1 * (0.0 - 0.5)
    assert loss.item() == pytest.approx(-(math.log(sig(m1)) + math.log(sig(m2))) / 2, rel=1e-6)


def test_bradley_terry_loss_hand_computed_with_and_without_margin():
    c, r = t(2.0, 0.5), t(1.0, 1.5)
    assert L.bradley_terry_loss(c, r).item() == pytest.approx(-(math.log(sig(1.0)) + math.log(sig(-1.0))) / 2, rel=1e-6)
    # A margin of 0.5 asks for a wider win: the differences become 0.5 and -1.5.
    assert L.bradley_terry_loss(c, r, margin=0.5).item() == pytest.approx(-(math.log(sig(0.5)) + math.log(sig(-1.5))) / 2, rel=1e-6)
    assert L.bradley_terry_loss(c, r, denom=4.0).item() == pytest.approx(-(math.log(sig(1.0)) + math.log(sig(-1.0))) / 4, rel=1e-6)
    assert L.pairwise_accuracy(c, r) == 0.5
    assert L.pairwise_accuracy(t(1.0, 1.0), t(1.0, 0.0)) == 0.5     # a tie is not a win


def test_bradley_terry_gradient_is_the_losing_probability():
    c, r = t(2.0, 0.5).requires_grad_(), t(1.0, 1.5).requires_grad_()
    L.bradley_terry_loss(c, r, margin=0.5).backward()
    # d/dc of −log σ(c − r − m) = −(1 − σ(c − r − m)) = −σ(−(c − r − m)), averaged over 2 pairs
    expected = [-sig(-0.5) / 2, -sig(1.5) / 2]
    assert c.grad.tolist() == pytest.approx(expected, rel=1e-6)
    assert r.grad.tolist() == pytest.approx([-g for g in expected], rel=1e-6)


def test_gae_on_a_hand_made_trajectory():
    # One response of 3 tokens (then padding), γ = 0.9, λ = 0.5:
    # δ2 = 1 + 0 − 0.5 = 0.5;  δ1 = 0 + 0.9·0.5 − 0.4 = 0.05;  δ0 = −0.1 + 0.9·0.4 − 0.2 = 0.06
    # A2 = 0.5;  A1 = 0.05 + 0.45·0.5 = 0.275;  A0 = 0.06 + 0.45·0.275 = 0.18375
    rewards = t(-0.1, 0.0, 1.0, 7.0)[None]
    values = t(0.2, 0.4, 0.5, 9.0)[None]
    mask = torch.tensor([[1, 1, 1, 0]])
    adv, ret = L.gae(rewards, values, mask, gamma=0.9, lam=0.5)
    assert adv.flatten().tolist() == pytest.approx([0.18375, 0.275, 0.5, 0.0])
    assert ret.flatten().tolist() == pytest.approx([0.38375, 0.675, 1.0, 0.0])
    # λ = 1, γ = 1: the advantage is the return-to-go minus the value (Monte Carlo).
    mc, _ = L.gae(rewards, values, mask, gamma=1.0, lam=1.0)
    assert mc.flatten().tolist() == pytest.approx([0.9 - 0.2, 1.0 - 0.4, 1.0 - 0.5, 0.0])
    # λ = 0: one-step TD errors.
    td, _ = L.gae(rewards, values, mask, gamma=0.9, lam=0.0)
    assert td.flatten().tolist() == pytest.approx([0.06, 0.05, 0.5, 0.0])


def test_ppo_token_rewards_put_the_reward_on_the_last_token_and_kl_on_every_token():
    kl = torch.tensor([[0.1, 0.2, 5.0], [0.3, 9.0, 9.0]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    r = L.ppo_token_rewards(t(1.0, -1.0), kl, mask, kl_coef=0.5)
    # row 0: −0.5·0.1, −0.5·0.2 + 1.0, padding 0;  row 1: one token, −0.5·0.3 − 1.0
    assert r.tolist() == [pytest.approx([-0.05, 0.9, 0.0]), pytest.approx([-1.15, 0.0, 0.0])]


def test_ppo_policy_loss_clips_per_token_only_where_it_binds():
    old = torch.zeros(2, 2)
    # row 0: ρ = 1.5 with A = 2 (clipped to 1.2·2 = 2.4), ρ = 0.5 with A = −1 (clipped: 0.8·−1);
    # row 1: ρ = 1.1 and 0.9 inside [0.8, 1.2], unclipped: 1.1·1 and 0.9·−1.
    logp = torch.log(torch.tensor([[1.5, 0.5], [1.1, 0.9]]))
    adv = torch.tensor([[2.0, -1.0], [1.0, -1.0]])
    loss = L.ppo_policy_loss(logp, old, torch.ones(2, 2), adv, clip_eps=0.2)
    assert loss.item() == pytest.approx(-(2.4 - 0.8 + 1.1 - 0.9) / 4)
    # padding counts for nothing, in the sum or the token count
    masked = L.ppo_policy_loss(logp, old, torch.tensor([[1, 1], [0, 0]]), adv, clip_eps=0.2)
    assert masked.item() == pytest.approx(-(2.4 - 0.8) / 2)


def test_ppo_on_a_hand_made_trajectory_from_reward_to_loss():
    # One 2-token response, reward 1, per-token KL 0.2 and 0.4, β = 0.5, γ = 1, λ = 1:
    # token rewards (−0.1, −0.2 + 1 = 0.8); values (0.3, 0.5);
    # A1 = 0.8 − 0.5 = 0.3;  A0 = −0.1 + 0.5 − 0.3 + A1 = 0.4;  returns (0.7, 0.8).
    rewards = L.ppo_token_rewards(t(1.0), t(0.2, 0.4)[None], torch.ones(1, 2), kl_coef=0.5)
    adv, ret = L.gae(rewards, t(0.3, 0.5)[None], torch.ones(1, 2), gamma=1.0, lam=1.0)
    assert adv.flatten().tolist() == pytest.approx([0.4, 0.3])
    assert ret.flatten().tolist() == pytest.approx([0.7, 0.8])
    # on-policy (ρ = 1): the policy loss is −mean(A) = −0.35
    assert L.ppo_policy_loss(torch.zeros(1, 2), torch.zeros(1, 2), torch.ones(1, 2), adv, 0.2).item() == pytest.approx(-0.35)


def test_whitened_advantages_on_a_hand_made_batch_and_their_policy_loss():
    # Advantages 1, 2, 3 (response 0) and 4 (response 1; two padding slots that hold 9):
    # mean 2.5, deviations −1.5, −0.5, 0.5, 1.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3.
    adv = torch.tensor([[1.0, 2.0, 3.0], [4.0, 9.0, 9.0]])
    mask = torch.tensor([[1, 1, 1], [1, 0, 0]])
    white, mean, std = L.whiten(adv, mask)
    s = (5 / 3 + 1e-8) ** 0.5
    assert (mean, std) == (pytest.approx(2.5), pytest.approx((5 / 3) ** 0.5))
    assert white.tolist() == [pytest.approx([-1.5 / s, -0.5 / s, 0.5 / s]), pytest.approx([1.5 / s, 0.0, 0.0])]
    # On-policy (ρ = 1) the loss −mean(A) of whitened advantages is 0; with ρ = 1.1 on token 0
    # (inside the clip range) it is −(1.1·(−1.5/s) − 0.5/s + 0.5/s + 1.5/s) / 4 = −0.1·(−1.5/s) / 4.
    logp = torch.zeros(2, 3)
    assert L.ppo_policy_loss(logp, logp, mask, white, 0.2).item() == pytest.approx(0.0, abs=1e-7)
    logp[0, 0] = torch.log(torch.tensor(1.1))
    assert L.ppo_policy_loss(logp, torch.zeros(2, 3), mask, white, 0.2).item() == pytest.approx(0.15 / s / 4)
    # A sum over ranks: the statistics are the global batch's (here, a reduce that doubles both
    # sums, as two ranks holding the same batch would: the same mean and nearly the same variance).
    doubled, mean2, _ = L.whiten(adv, mask, reduce_sum=lambda x: 2 * x)
    assert mean2 == pytest.approx(2.5)
    assert doubled[0, 0].item() == pytest.approx(-1.5 / (10 / 7 + 1e-8) ** 0.5)   # 2·5 / (8 − 1)


def test_clipped_value_loss_clips_only_when_that_is_worse():
    values, old, returns = t(1.0, 0.0), t(0.5, 0.5), t(2.0, 0.4)
    mask = torch.ones(2)
    # token 0: V moved 0.5 past old (clip 0.2 → 0.7): unclipped err 1.0², clipped 1.3² → 0.5·1.69
    # token 1: V moved −0.5 (clipped → 0.3): unclipped 0.4², clipped 0.1² → 0.5·0.16
    loss = L.clipped_value_loss(values, old, returns, mask, clip=0.2)
    assert loss.item() == pytest.approx((0.5 * 1.69 + 0.5 * 0.16) / 2)
    v = values.clone().requires_grad_()
    L.clipped_value_loss(v, old, returns, mask, clip=0.2).backward()
    # token 0's max is the clipped branch, constant in V beyond the clip: no gradient;
    # token 1's is the unclipped one: d/dV ½(V − R)² / 2 = (0 − 0.4) / 2
    assert v.grad.tolist() == pytest.approx([0.0, -0.2])


def test_multitask_weights():
    total = L.multitask_loss({"a": t(2.0), "b": t(-1.0)}, {"a": 0.3, "b": 0.7})
    assert total.item() == pytest.approx(0.3 * 2 - 0.7)


def test_global_denominator_makes_split_batches_exact():
    logp, adv = t(-1, -2, -3, -4), t(0.5, -0.25, 0.1, -0.35)
    whole = L.crpg_loss(logp, adv)
    parts = L.crpg_loss(logp[:1], adv[:1], denom=4) + L.crpg_loss(logp[1:], adv[1:], denom=4)
    assert parts.item() == pytest.approx(whole.item())


# ----- GRPO and RLOO (issue 15) ----------------------------------------------------------------

def test_group_baseline_without_std_is_reward_minus_group_mean():
    adv = L.group_advantages(t(1, 2, 3, 0, 0, 4).view(2, 3), scale=False)
    assert adv.flatten().tolist() == pytest.approx([-1, 0, 1, -4 / 3, -4 / 3, 8 / 3])


def test_group_baseline_with_std_divides_by_the_unbiased_group_std():
    adv = L.group_advantages(t(1, 2, 3, 0, 0, 4).view(2, 3), scale=True)
    std2 = 4 / math.sqrt(3)                       # devs (-4/3, -4/3, 8/3): var = (96/9) / 2
    eps = L.GROUP_STD_EPS
    assert adv.flatten().tolist() == pytest.approx(
        [-1 / (1 + eps), 0, 1 / (1 + eps), -4 / 3 / (std2 + eps), -4 / 3 / (std2 + eps), 8 / 3 / (std2 + eps)])
    # Equal rewards: A = 0, not 0/0.
    assert L.group_advantages(t(2, 2, 2)[None], scale=True).tolist() == [[0, 0, 0]]


def test_group_baseline_ignores_skipped_samples_and_lone_samples():
    adv = L.group_advantages(t(1, 5, 3, 7, 9, 8).view(2, 3), scale=True,
                             valid=torch.tensor([[True, False, True], [False, True, False]]))
    eps = L.GROUP_STD_EPS                          # group 1: mean 2, std √2; group 2: one sample
    assert adv.flatten().tolist() == pytest.approx([-1 / (math.sqrt(2) + eps), 0, 1 / (math.sqrt(2) + eps), 0, 0, 0])


def test_rloo_leave_one_out_baseline():
    adv = L.rloo_advantages(t(1, 2, 3, 6)[None])
    # r_i - mean of the other three: 1 - 11/3, 2 - 10/3, 3 - 3, 6 - 2 (= K/(K-1)·(r - mean))
    assert adv.flatten().tolist() == pytest.approx([-8 / 3, -4 / 3, 0, 4])
    masked = L.rloo_advantages(t(1, 9, 3, 2, 5, 0).view(2, 3),
                               valid=torch.tensor([[True, False, True], [True, False, False]]))
    assert masked.flatten().tolist() == pytest.approx([-2, 0, 2, 0, 0, 0])


def test_judges_gate_replaces_infeasible_rewards_or_only_reports():
    r, feas = t(0.7, 0.9), torch.tensor([True, False])
    assert L.gated_reward(r, feas, -1.0, gate=True).tolist() == pytest.approx([0.7, -1.0])
    assert L.gated_reward(r, feas, -1.0, gate=False).tolist() == pytest.approx([0.7, 0.9])


def test_kl_estimators_k1_and_k3():
    logp, ref = t(-1, -2, -3), t(-1.5, -1, -3)
    assert L.kl_estimate(logp, ref, "k1").tolist() == pytest.approx([0.5, -1.0, 0.0])
    assert L.kl_estimate(logp, ref, "k3").tolist() == pytest.approx([math.exp(-0.5) - 0.5, math.e - 2, 0.0])
    with pytest.raises(ValueError, match="k2"):
        L.kl_estimate(logp, ref, "k2")


def test_clipping_active_and_inactive():
    old = t(0, 0, 0, 0)[:, None]
    logp = t(0.5, -0.5, 0.5, -0.5)[:, None].requires_grad_()
    adv = t(1, 1, -1, -1)
    surr = L.clipped_surrogate(logp, old, adv, clip_eps=0.2)
    hi, lo = math.exp(0.5), math.exp(-0.5)
    # A > 0: ρ = 1.65 is clipped to 1.2, ρ = 0.61 is not; A < 0: ρ = 1.65 is not, ρ = 0.61 is (0.8).
    assert surr.flatten().tolist() == pytest.approx([1.2, lo, -hi, -0.8])
    surr.sum().backward()
    assert logp.grad.flatten().tolist() == pytest.approx([0.0, lo, -hi, 0.0])   # clipped: no gradient


def test_grpo_loss_token_and_sequence_aggregation():
    logp = t(-1, -2, -1, 0).view(2, 2)
    ref = t(-1.5, -2, -0.5, 0).view(2, 2)
    mask = torch.tensor([[True, True], [True, False]])
    adv = t(1, -2)
    kw = dict(clip_eps=0.2, kl_estimator="k1")
    # ρ = 1: per-token ℓ = -A + β·k1, k1 = [[0.5, 0], [-0.5, ·]]
    assert L.grpo_loss(logp, logp, ref, mask, adv, kl_coef=0.0, aggregation="token", **kw).item() == pytest.approx(0.0)
    assert L.grpo_loss(logp, logp, ref, mask, adv, kl_coef=0.0, aggregation="sequence", **kw).item() == pytest.approx(0.5)
    # β = 0.1: ℓ = [[-0.95, -1], [1.95]]; token (-0.95 - 1 + 1.95) / 3; sequence (-1.95/2 + 1.95) / 2
    assert L.grpo_loss(logp, logp, ref, mask, adv, kl_coef=0.1, aggregation="token", **kw).item() == pytest.approx(0.0, abs=1e-6)
    assert L.grpo_loss(logp, logp, ref, mask, adv, kl_coef=0.1, aggregation="sequence", **kw).item() == pytest.approx(0.4875)
    assert L.grpo_loss(logp, logp, ref, mask, adv, kl_coef=0.1, aggregation="sequence", denom=4, **kw).item() == pytest.approx(0.4875 / 2)
