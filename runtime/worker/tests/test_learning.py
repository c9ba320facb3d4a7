"""Learning, not just running: SFT then CRPG with a math-answer judge raises the judge pass rate.

The quick configuration of bench/worker/learning_demo.py: a 2-layer built-in model imitates
slipped arithmetic demonstrations (every problem once right, once with the sum plus one), so it
is torn between the right and the slipped answer; CRPG with the math judge as reward and
constraint must then raise the pass rate on its prompts, sampled *and* greedy. Seeds fix
everything. Over seeds 1234, 1 and 2 the gains were +0.13..+0.23 (sampled) and +0.25..+0.51
(greedy); the margins below are about half of the smallest.
"""

import importlib.util
import sys

import pytest
import torch

from align_worker import losses as L
from align_worker.generation import generate, response_logprobs, sequence_logprobs
from align_worker.model_builtin import BuiltinConfig, TinyRewardModel
from align_worker.models import frozen_copy
from align_worker.value import ValueModel
from conftest import WORKER, tiny_lm


def load_demo():
    path = WORKER.parents[1] / "bench" / "worker" / "learning_demo.py"
    spec = importlib.util.spec_from_file_location("learning_demo", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["learning_demo"] = module
    spec.loader.exec_module(module)
    return module


def test_sft_then_crpg_raises_the_judge_pass_rate_sampled_and_greedy(tmp_path):
    r = load_demo().demo(quick=True, seed=1234, work=tmp_path)
    print(r)
    assert r["sft_sampled_arith"] > 0.2                      # SFT learned addition (and the slip)
    # 80 RL prompts: 320 sampled answers (s.e. of a difference ≈ 0.035), 80 greedy ones.
    assert r["cgpo_sampled_arith"] >= r["sft_sampled_arith"] + 0.07
    assert r["cgpo_greedy_arith"] >= r["sft_greedy_arith"] + 0.15


def test_crpg_moves_a_torn_policy_to_the_rewarded_answer():
    torch.manual_seed(0)
    assert_crpg_moves_a_torn_policy(tiny_lm(seed=11))


def assert_crpg_moves_a_torn_policy(lm):
    """Controlled case: a policy split between "2" and "3" for "1+1=", reward 1 for "2" only.

    The exact CRPG step (advantages over the batch, gate, -mean(A·log π), Adam) must raise
    π("2") and make it the greedy answer. Any backend: tests/test_hf.py runs it on a Llama.
    """
    tok = lm.tokenizer
    prompt = tok.encode_prompt("1+1=")
    right, wrong = tok.encode_response("2"), tok.encode_response("3")
    params = list(lm.module.parameters())
    sft = torch.optim.Adam(params, lr=3e-3)
    for _ in range(150):                                    # imitate both answers equally
        lp, _ = sequence_logprobs(lm, [prompt] * 2, [right, wrong])
        sft.zero_grad()
        (-lp.mean()).backward()
        sft.step()

    def p_right():
        with torch.no_grad():
            lp, _ = sequence_logprobs(lm, [prompt], [right])
        return float(lp.exp())

    ref = frozen_copy(lm)                                   # π_ref = the SFT policy
    p0 = p_right()
    assert 0.3 < p0 < 0.7                                    # torn, as after noisy SFT
    opt = torch.optim.Adam(params, lr=1e-3)
    for step in range(40):
        s = generate(lm, [prompt] * 16, list(range(step * 16, step * 16 + 16)), 1.0, 1.0, 3)
        with torch.no_grad():
            logp_ref, _ = sequence_logprobs(ref, [prompt] * 16, s.tokens)
        ok = torch.tensor([t == right for t in s.tokens])
        rc = L.calibrated_reward(ok.float())
        adv, _ = L.crpg_advantages(s.logp, logp_ref, rc, ok, kl_max=4.0)
        logp, _ = sequence_logprobs(lm, [prompt] * 16, s.tokens)
        opt.zero_grad()
        L.crpg_loss(logp, adv).backward()
        opt.step()
    p1 = p_right()
    greedy = generate(lm, [prompt], [0], 0.0, 1.0, 3).tokens[0]
    assert p1 > p0 + 0.25 and p1 > 0.8, (p0, p1)
    assert greedy == right


def torn_policy(lm):
    """SFT on "2" and "3" for "1+1=" equally: π("2") ≈ 0.5, as after noisy SFT."""
    tok = lm.tokenizer
    prompt, right, wrong = tok.encode_prompt("1+1="), tok.encode_response("2"), tok.encode_response("3")
    sft = torch.optim.Adam(lm.module.parameters(), lr=3e-3)
    for _ in range(150):
        lp, _ = sequence_logprobs(lm, [prompt] * 2, [right, wrong])
        sft.zero_grad()
        (-lp.mean()).backward()
        sft.step()
    return prompt, right


def p_of(lm, prompt, response):
    with torch.no_grad():
        lp, _ = sequence_logprobs(lm, [prompt], [response])
    return float(lp.exp())


def assert_moves_a_torn_policy(lm, update, steps=30, sign=1.0):
    """`update(lm, ref, prompt, samples, reward)` takes the optimizer's exact step(s) on a group of
    16 samples of one prompt, reward 1 for "2" and 0 otherwise; π("2") must rise and be greedy.
    With `sign = -1` the update's loss is negated (a flipped sign): π("2") must fall instead."""
    prompt, right = torn_policy(lm)
    ref = frozen_copy(lm)
    p0 = p_of(lm, prompt, right)
    assert 0.3 < p0 < 0.7
    for step in range(steps):
        s = generate(lm, [prompt] * 16, list(range(step * 16, step * 16 + 16)), 1.0, 1.0, 3)
        update(lm, ref, prompt, s, torch.tensor([float(t == right) for t in s.tokens]))
    p1 = p_of(lm, prompt, right)
    greedy = generate(lm, [prompt], [0], 0.0, 1.0, 3).tokens[0]
    if sign > 0:
        assert p1 > p0 + 0.25 and p1 > 0.8, (p0, p1)
        assert greedy == right
    else:
        assert p1 < p0 - 0.25 and p1 < 0.2, (p0, p1)
        assert greedy != right


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["rewarded", "flipped-sign"])
def test_grpo_moves_a_torn_policy_to_the_rewarded_answer(sign):
    torch.manual_seed(0)
    lm = tiny_lm(seed=11)
    opt = torch.optim.Adam(lm.module.parameters(), lr=1e-3)

    def update(lm, ref, prompt, s, reward):
        with torch.no_grad():
            old, _ = response_logprobs(lm, [prompt] * 16, s.tokens)
            ref_lp, _ = response_logprobs(ref, [prompt] * 16, s.tokens)
        adv = L.group_advantages(reward[None], scale=True).flatten()
        for _ in range(2):                                # ppo_epochs = 2: the ratio moves off 1
            logp, mask = response_logprobs(lm, [prompt] * 16, s.tokens)
            opt.zero_grad()
            (sign * L.grpo_loss(logp, old, ref_lp, mask, adv, 0.2, 0.04, "k3", "token")).backward()
            opt.step()
    assert_moves_a_torn_policy(lm, update, sign=sign)


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["rewarded", "flipped-sign"])
def test_rloo_moves_a_torn_policy_to_the_rewarded_answer(sign):
    torch.manual_seed(0)
    lm = tiny_lm(seed=11)
    opt = torch.optim.Adam(lm.module.parameters(), lr=1e-3)

    def update(lm, ref, prompt, s, reward):
        with torch.no_grad():
            logp_ref, _ = sequence_logprobs(ref, [prompt] * 16, s.tokens)
        adv = L.rloo_advantages((reward - 0.05 * (s.logp - logp_ref))[None]).flatten()
        logp, _ = sequence_logprobs(lm, [prompt] * 16, s.tokens)
        opt.zero_grad()
        (sign * L.crpg_loss(logp, adv)).backward()
        opt.step()
    assert_moves_a_torn_policy(lm, update, steps=40, sign=sign)


def assert_ppo_moves_a_torn_policy(lm, critic, sign=1.0, whiten=False):
    """PPO's exact step (GAE over the critic's values, ppo_epochs = 2 clipped policy and value
    updates) on the torn policy. Any backend: tests/test_hf_ppo.py runs it on a Llama with a
    Hugging Face value model."""
    opt = torch.optim.Adam(lm.module.parameters(), lr=1e-3)

    def update(lm, ref, prompt, s, reward):
        prompts = [prompt] * 16
        with torch.no_grad():
            old, mask = response_logprobs(lm, prompts, s.tokens)
            ref_lp, _ = response_logprobs(ref, prompts, s.tokens)
            old_v, _ = critic.values(prompts, s.tokens)
        rewards = L.ppo_token_rewards(reward, L.kl_estimate(old, ref_lp, "k1"), mask, 0.05)
        adv, ret = L.gae(rewards, old_v[:, :mask.shape[1]] * mask, mask, gamma=1.0, lam=0.95)
        if whiten:
            adv, _, _ = L.whiten(adv, mask)
        for _ in range(2):                                # ppo_epochs = 2: the ratio moves off 1
            logp, m = response_logprobs(lm, prompts, s.tokens)
            opt.zero_grad()
            (sign * L.ppo_policy_loss(logp, old, m, adv, 0.2)).backward()
            opt.step()
            v, vm = critic.values(prompts, s.tokens)
            L.clipped_value_loss(v[:, :m.shape[1]], old_v[:, :m.shape[1]], ret, vm[:, :m.shape[1]], clip=0.2).backward()
            critic.step()
    assert_moves_a_torn_policy(lm, update, steps=40, sign=sign)


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["rewarded", "flipped-sign"])
def test_ppo_moves_a_torn_policy_to_the_rewarded_answer(sign):
    torch.manual_seed(0)
    lm = tiny_lm(seed=11)
    torch.manual_seed(12)
    critic = ValueModel(TinyRewardModel(BuiltinConfig(1, 32, 2, 32)), 3e-3, 0.0, 1.0,
                        lm.tokenizer.pad_id, lm.context)
    assert_ppo_moves_a_torn_policy(lm, critic, sign)
