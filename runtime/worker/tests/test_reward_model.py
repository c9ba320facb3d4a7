"""The reward_model stage: Bradley-Terry on pairs with a known preferred feature, held-out
accuracy, and the trained model scoring responses as a later stage's reward source."""

import json
import random

import pytest
import torch

from align_worker import planbuild as pb
from align_worker.cli import main
from align_worker.models import builtin_value_net, load_reward_model
from align_worker.stages.reward_model import split_held_out

PAIR_FIELDS = {"prompt": "prompt", "chosen": "chosen", "rejected": "rejected"}


def exclaimed_pairs(n, seed):
    """Random words with one character inserted at a random place: `!` in the chosen response, a
    letter in the rejected one (same length): the preferred feature is the exclamation mark."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        word = "".join(rnd.choice("abcdefgh") for _ in range(rnd.randint(2, 5)))
        at = rnd.randint(0, len(word))
        rows.append({"prompt": f"say {i % 7}:", "chosen": word[:at] + "!" + word[at:],
                     "rejected": word[:at] + rnd.choice("abcdefgh") + word[at:]})
    return rows


def rm_plan(tmp, flipped=False, epochs=4):
    rows = exclaimed_pairs(240, seed=3)
    if flipped:
        rows = [{**r, "chosen": r["rejected"], "rejected": r["chosen"]} for r in rows]
    (tmp / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return pb.plan(
        seed=11, models={"rm_base": pb.builtin_model(layers=1, width=32, heads=2, context=24)},
        datasets={"pairs": pb.jsonl_dataset("pairs.jsonl", PAIR_FIELDS)},
        stages={"rm": pb.reward_model_stage({"model": "rm_base"}, [{"dataset": "pairs"}], eval_fraction=0.25,
                                            margin=0.5, lr=3e-3, batch_size=16, epochs=epochs,
                                            schedule="constant", checkpoint_every=0)})


def train(tmp, **kw):
    path = pb.write(rm_plan(tmp, **kw), tmp / "plan.json")
    assert main(["run", "--plan", str(path), "--stage", "rm", "--run-dir", str(tmp / "run"), "--cpu"]) == 0
    return json.loads((tmp / "run" / "rm" / "result.json").read_text())


def test_held_out_split_is_seeded_and_disjoint():
    train_idx, held = split_held_out(10, 0.25, seed=1)
    assert len(held) == 3 and sorted(train_idx + held) == list(range(10))
    assert split_held_out(10, 0.25, seed=1) == (train_idx, held)
    assert split_held_out(10, 0.25, seed=2) != (train_idx, held)
    assert split_held_out(10, 0.0, seed=1) == (list(range(10)), [])


def test_learns_the_preferred_feature_and_scores_it_as_a_reward(tmp_path):
    result = train(tmp_path)
    assert result["held_out_pairs"] == 60 and result["pairs"] == 180
    assert result["held_out_accuracy"] > 0.9
    # As a later stage's reward source: the saved model prefers the exclaimed response.
    score = load_reward_model({"type": "stage", "stage": "rm", "output": "model"}, "r", 0, tmp_path,
                              __import__("torch").device("cpu"), run_dir=tmp_path / "run")
    fresh = exclaimed_pairs(40, seed=99)
    chosen = score([r["prompt"] for r in fresh], [r["chosen"] for r in fresh])
    rejected = score([r["prompt"] for r in fresh], [r["rejected"] for r in fresh])
    assert float((chosen > rejected).float().mean()) > 0.9
    # As PPO's value model (`value_model = rm.model`): the trained network, read at every
    # position; at a sequence's last token it is the reward model's score.
    from align_worker.tokenizer import ByteTokenizer
    net, context = builtin_value_net({"type": "stage", "stage": "rm"}, "rm", 0, tmp_path / "run", "/x",
                                     torch.device("cpu"))
    tok = ByteTokenizer()
    ids = tok.encode_prompt(fresh[0]["prompt"]) + tok.encode_response(fresh[0]["chosen"])
    values = net.token_values(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))
    assert context == 24 and values.shape == (1, len(ids)) and net.training
    assert float(values[0, -1]) == pytest.approx(float(chosen[0]), abs=1e-5)


def test_flipped_preferences_train_the_opposite_ranking(tmp_path):
    # The held-out pairs are flipped too: accuracy on them is high, and on the true
    # preference (an exclamation mark) the model is wrong.
    assert train(tmp_path, flipped=True)["held_out_accuracy"] > 0.9
    score = load_reward_model({"type": "stage", "stage": "rm", "output": "model"}, "r", 0, tmp_path,
                              __import__("torch").device("cpu"), run_dir=tmp_path / "run")
    fresh = exclaimed_pairs(40, seed=99)
    chosen = score([r["prompt"] for r in fresh], [r["chosen"] for r in fresh])
    rejected = score([r["prompt"] for r in fresh], [r["rejected"] for r in fresh])
    assert float((chosen > rejected).float().mean()) < 0.1


def test_a_reward_model_starts_from_an_sft_stages_builtin_output(tmp_path):
    # SFT on the pairs' chosen responses, then a reward_model stage from `sft.model` with a
    # negligible lr (AdamW moves each weight by about lr per step): its saved transformer is the
    # SFT output, under a head of its own.
    plan = rm_plan(tmp_path, epochs=1)
    plan["stages"]["sft"] = pb.sft_stage({"model": "rm_base"}, [{"dataset": "pairs"}], epochs=1, batch_size=16,
                                         checkpoint_every=0)
    plan["datasets"]["pairs"]["fields"]["target"] = "chosen"
    plan["stages"]["rm"]["model"] = {"stage": "sft", "output": "model"}
    plan["stages"]["rm"]["lr"] = 1e-12
    path = pb.write(plan, tmp_path / "plan.json")
    for stage in ("sft", "rm"):
        assert main(["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp_path / "run"), "--cpu"]) == 0
    sft = torch.load(tmp_path / "run" / "sft" / "model" / "model.pt")
    rm = torch.load(tmp_path / "run" / "rm" / "model" / "model.pt")
    assert set(rm) == {f"lm.{k}" for k in sft} | {"head.weight", "head.bias"}
    assert all(torch.allclose(rm[f"lm.{k}"], sft[k], rtol=0, atol=1e-9) for k in sft)
    base = torch.load(tmp_path / "run" / "sft" / "model" / "model.pt")["tok.weight"]
    assert json.loads((tmp_path / "run" / "rm" / "model" / "align_model.json").read_text())["type"] == "builtin_reward"
    # and SFT did move the transformer away from the fresh declaration the rm stage would start from
    from align_worker.model_builtin import BuiltinConfig, TinyLM
    from align_worker.models import seed_for
    torch.manual_seed(seed_for(11, "rm_base"))
    assert not torch.allclose(TinyLM(BuiltinConfig(1, 32, 2, 24)).tok.weight, base, atol=1e-4)
