"""Learning, not just running: SFT then CRPG with a math-answer judge raises the judge pass rate.

The quick configuration of bench/worker/learning_demo.py: a 2-layer built-in model imitates
noisy arithmetic demonstrations (one right, one wrong answer per problem), then CRPG with the
math judge as reward and constraint. Seeds fix everything, so the figures are reproducible.
"""

import importlib.util
import sys

from conftest import WORKER


def load_demo():
    path = WORKER.parents[1] / "bench" / "worker" / "learning_demo.py"
    spec = importlib.util.spec_from_file_location("learning_demo", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["learning_demo"] = module
    spec.loader.exec_module(module)
    return module


def test_sft_then_crpg_raises_the_judge_pass_rate(tmp_path):
    r = load_demo().demo(quick=True, seed=1234, work=tmp_path)
    print(r)
    # 80 RL prompts × 4 samples at temperature 1: +0.05 is about two standard errors.
    assert r["sft_sampled_arith"] > 0.1                      # SFT learned something
    assert r["cgpo_sampled_arith"] >= r["sft_sampled_arith"] + 0.05
