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


def test_multitask_weights():
    total = L.multitask_loss({"a": t(2.0), "b": t(-1.0)}, {"a": 0.3, "b": 0.7})
    assert total.item() == pytest.approx(0.3 * 2 - 0.7)


def test_global_denominator_makes_split_batches_exact():
    logp, adv = t(-1, -2, -3, -4), t(0.5, -0.25, 0.1, -0.35)
    whole = L.crpg_loss(logp, adv)
    parts = L.crpg_loss(logp[:1], adv[:1], denom=4) + L.crpg_loss(logp[1:], adv[1:], denom=4)
    assert parts.item() == pytest.approx(whole.item())
