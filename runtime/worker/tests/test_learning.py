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

import torch

from align_worker import losses as L
from align_worker.generation import generate, sequence_logprobs
from align_worker.models import frozen_copy
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
