"""Policy gradients on a tiny model, each computed two ways: CRPG, GRPO, RLOO and PPO (policy and value)."""

import torch

from align_worker import losses as L
from align_worker.generation import generate, response_logprobs, sequence_logprobs
from align_worker.model_builtin import BuiltinConfig, TinyRewardModel
from align_worker.value import response_values
from conftest import tiny_lm


def test_crpg_gradient_equals_mean_advantage_weighted_score_function():
    lm = tiny_lm(seed=3)
    tok = lm.tokenizer
    prompts = [tok.encode_prompt(p) for p in ["1+2=", "3+4=", "9+9="] for _ in range(2)]
    samples = generate(lm, prompts, seeds=list(range(6)), temperature=1.0, top_p=1.0, max_tokens=4)
    ref = tiny_lm(seed=4)
    with torch.no_grad():
        logp_ref, _ = sequence_logprobs(ref, prompts, samples.tokens)
    rc = torch.tensor([0.9, 0.2, 0.7, 0.4, 0.6, 0.1])
    feasible = torch.tensor([True, False, True, True, False, True])
    adv, _ = L.crpg_advantages(samples.logp, logp_ref, rc, feasible, kl_max=5.0)
    params = [p for p in lm.module.parameters()]

    # Way 1: autograd through the batched loss.
    logp, _ = sequence_logprobs(lm, prompts, samples.tokens)
    g1 = torch.autograd.grad(L.crpg_loss(logp, adv), params)

    # Way 2: per-sample ∇ log π(a_i|s_i), each from its own forward, combined by hand.
    g2 = [torch.zeros_like(p) for p in params]
    for i in range(len(prompts)):
        lp_i, _ = sequence_logprobs(lm, [prompts[i]], [samples.tokens[i]])
        grads = torch.autograd.grad(lp_i.sum(), params)
        for acc, g in zip(g2, grads):
            acc -= adv[i] * g / len(prompts)

    for a, b in zip(g1, g2):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-4)
    assert any(a.abs().max() > 1e-6 for a in g1)   # not trivially zero


def test_sampling_time_logprobs_match_a_teacher_forced_pass():
    lm = tiny_lm(seed=5)
    prompts = [lm.tokenizer.encode_prompt(p) for p in ["7+1=", "12+13=", "0+0="]]
    s = generate(lm, prompts, seeds=[1, 2, 3], temperature=1.0, top_p=1.0, max_tokens=6)
    with torch.no_grad():
        lp, n = sequence_logprobs(lm, prompts, s.tokens)
    assert torch.allclose(lp, s.logp, atol=1e-4)
    assert n.tolist() == [len(t) for t in s.tokens]


def test_gate_and_advantages_carry_no_gradient():
    lm = tiny_lm(seed=6)
    prompts = [lm.tokenizer.encode_prompt("1+1=")] * 2
    responses = [lm.tokenizer.encode_response("2"), lm.tokenizer.encode_response("3")]
    logp, _ = sequence_logprobs(lm, prompts, responses)
    adv, gate = L.crpg_advantages(logp, logp.detach() - 0.1, torch.tensor([0.9, 0.3]),
                                  torch.tensor([True, True]), kl_max=1.0)
    assert not adv.requires_grad and not gate.requires_grad


def _sampled(seed):
    lm = tiny_lm(seed=seed)
    tok = lm.tokenizer
    prompts = [tok.encode_prompt(p) for p in ["1+2=", "3+4="] for _ in range(3)]
    samples = generate(lm, prompts, seeds=list(range(6)), temperature=1.0, top_p=1.0, max_tokens=4)
    return lm, prompts, samples


def test_grpo_gradient_equals_the_hand_derived_token_weights():
    # At ρ = 1 (first inner update) the per-token gradient of -(ρA - β·k3) is
    # (-A + β(1 - π_ref/π)) ∇log π_t; "sequence" aggregation weights sample i by 1/(N·|o_i|).
    lm, prompts, samples = _sampled(7)
    ref = tiny_lm(seed=8)
    with torch.no_grad():
        ref_lp, _ = response_logprobs(ref, prompts, samples.tokens)
        old_lp, _ = response_logprobs(lm, prompts, samples.tokens)
    adv = L.group_advantages(torch.tensor([0.9, 0.2, 0.5, 0.1, 0.7, 0.7]).view(2, 3), scale=True).flatten()
    params = list(lm.module.parameters())
    beta, n = 0.3, len(prompts)

    logp, mask = response_logprobs(lm, prompts, samples.tokens)
    g1 = torch.autograd.grad(L.grpo_loss(logp, old_lp, ref_lp, mask, adv, 0.2, beta, "k3", "sequence"), params)

    g2 = [torch.zeros_like(p) for p in params]
    for i in range(n):
        lp_i, m_i = response_logprobs(lm, [prompts[i]], [samples.tokens[i]])
        k = int(m_i.sum())
        coef = (-adv[i] + beta * (1 - torch.exp(ref_lp[i, :k] - old_lp[i, :k]))) / (n * k)
        grads = torch.autograd.grad((coef * lp_i[0, :k]).sum(), params)
        for acc, g in zip(g2, grads):
            acc += g

    for a, b in zip(g1, g2):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-4)
    assert any(a.abs().max() > 1e-6 for a in g1)


def test_rloo_gradient_equals_mean_leave_one_out_advantage_weighted_score_function():
    lm, prompts, samples = _sampled(9)
    ref = tiny_lm(seed=10)
    with torch.no_grad():
        logp_ref, _ = sequence_logprobs(ref, prompts, samples.tokens)
    beta = 0.05                                           # KL in the reward, at sampling time
    reward = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0]) - beta * (samples.logp - logp_ref)
    adv = L.rloo_advantages(reward.view(2, 3)).flatten()
    params = list(lm.module.parameters())

    logp, _ = sequence_logprobs(lm, prompts, samples.tokens)
    g1 = torch.autograd.grad(L.crpg_loss(logp, adv), params)

    g2 = [torch.zeros_like(p) for p in params]
    for i in range(len(prompts)):
        others = [reward[j] for j in range(3 * (i // 3), 3 * (i // 3) + 3) if j != i]
        a_i = reward[i] - sum(others) / 2                  # leave-one-out, by hand
        lp_i, _ = sequence_logprobs(lm, [prompts[i]], [samples.tokens[i]])
        for acc, g in zip(g2, torch.autograd.grad(lp_i.sum(), params)):
            acc -= a_i * g / len(prompts)

    for a, b in zip(g1, g2):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-4)
    assert any(a.abs().max() > 1e-6 for a in g1)


def test_ppo_gradients_equal_the_hand_derived_token_weights():
    # At ρ = 1 (first inner update) the policy gradient of −Σ_t min(ρA, clip(ρ)A) / T is
    # −Σ_t A_t ∇log π_t / T; at V = V_old the value gradient of ½Σ_t (V_t − R_t)² / T is
    # Σ_t (V_t − R_t) ∇V_t / T. Both recomputed one token at a time from separate forwards.
    lm, prompts, samples = _sampled(11)
    ref = tiny_lm(seed=12)
    torch.manual_seed(13)
    critic = TinyRewardModel(BuiltinConfig(1, 32, 2, 32))
    pad, ctx = lm.tokenizer.pad_id, lm.context
    with torch.no_grad():
        old_lp, mask = response_logprobs(lm, prompts, samples.tokens)
        ref_lp, _ = response_logprobs(ref, prompts, samples.tokens)
        old_v, _ = response_values(critic, prompts, samples.tokens, pad, ctx)
    kl = L.kl_estimate(old_lp, ref_lp, "k1")
    rewards = L.ppo_token_rewards(torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0]), kl, mask, 0.1)
    adv, ret = L.gae(rewards, old_v, mask, gamma=1.0, lam=0.95)
    n_tok = float(mask.sum())

    params = list(lm.module.parameters())
    logp, m = response_logprobs(lm, prompts, samples.tokens)
    g1 = torch.autograd.grad(L.ppo_policy_loss(logp, old_lp, m, adv, 0.2), params)
    vparams = list(critic.parameters())
    v, vm = response_values(critic, prompts, samples.tokens, pad, ctx)
    h1 = torch.autograd.grad(L.clipped_value_loss(v, old_v, ret, vm, clip=0.2), vparams)

    g2 = [torch.zeros_like(p) for p in params]
    h2 = [torch.zeros_like(p) for p in vparams]
    for i in range(len(prompts)):
        lp_i, m_i = response_logprobs(lm, [prompts[i]], [samples.tokens[i]])
        v_i, _ = response_values(critic, [prompts[i]], [samples.tokens[i]], pad, ctx)
        for t in range(int(m_i.sum())):
            for acc, g in zip(g2, torch.autograd.grad(lp_i[0, t], params, retain_graph=True)):
                acc -= adv[i, t] * g / n_tok
            for acc, g in zip(h2, torch.autograd.grad(v_i[0, t], vparams, retain_graph=True)):
                acc += (old_v[i, t] - ret[i, t]) * g / n_tok

    for a, b in zip(g1 + h1, g2 + h2):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-4)
    assert any(a.abs().max() > 1e-6 for a in g1) and any(a.abs().max() > 1e-6 for a in h1)
