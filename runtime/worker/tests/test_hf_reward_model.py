"""The reward_model stage on a Hugging Face model (a tiny random-init Llama and the in-code BPE
tokenizer of hf_fixtures.py): Bradley-Terry on pairs with a known preferred feature, held-out
accuracy, the saved directory scored through the worker's Hugging Face reward path, and the
same on two DDP ranks."""

import json

import pytest
import torch

transformers = pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker import planbuild as pb  # noqa: E402
from align_worker.cli import main  # noqa: E402
from align_worker.hf import reward_encoder  # noqa: E402
from align_worker.hf_reward import load_scalar_head  # noqa: E402
from align_worker.models import load_reward_model  # noqa: E402
from conftest import spawn_ranks  # noqa: E402
from test_reward_model import PAIR_FIELDS, exclaimed_pairs  # noqa: E402

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """A causal-LM checkpoint: the reward model gets a fresh score head on its backbone."""
    return F.save_causal_lm(tmp_path_factory.mktemp("hf") / "tiny-llama", layers=1, hidden=32)


def rm_plan(tmp, base_dir, flipped=False, **stage):
    rows = exclaimed_pairs(160, seed=3)
    if flipped:
        rows = [{**r, "chosen": r["rejected"], "rejected": r["chosen"]} for r in rows]
    (tmp / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    model = {"from": {"type": "local", "path": str(base_dir)}, "dtype": "bf16", "params": None,
             "gradient_checkpointing": False, "lora": None}
    fields = dict(eval_fraction=0.25, margin=0.5, lr=3e-3, batch_size=16, epochs=3, schedule="constant",
                  checkpoint_every=0)
    fields.update(stage)
    return pb.plan(seed=11, models={"rm_base": model}, datasets={"pairs": pb.jsonl_dataset("pairs.jsonl", PAIR_FIELDS)},
                   stages={"rm": pb.reward_model_stage({"model": "rm_base"}, [{"dataset": "pairs"}], **fields)})


def train(tmp, base_dir, **kw):
    path = pb.write(rm_plan(tmp, base_dir, **kw), tmp / "plan.json")
    assert main(["run", "--plan", str(path), "--stage", "rm", "--run-dir", str(tmp / "run"), "--cpu"]) == 0
    return json.loads((tmp / "run" / "rm" / "result.json").read_text())


def fresh_accuracy(run_dir, dtype="fp32"):
    """How often the saved model, loaded as a later stage's reward (`from = rm.model`), scores
    the exclaimed response above the other on pairs it never saw."""
    score = load_reward_model({"type": "stage", "stage": "rm", "output": "model"}, "r", 0, run_dir, CPU,
                              dtype=dtype, run_dir=run_dir)
    fresh = exclaimed_pairs(40, seed=99)
    prompts = [r["prompt"] for r in fresh]
    chosen, rejected = score(prompts, [r["chosen"] for r in fresh]), score(prompts, [r["rejected"] for r in fresh])
    return float((chosen > rejected).float().mean()), score


def test_hf_reward_model_learns_the_preferred_feature_and_scores_it_as_a_reward(tmp_path, base_dir):
    result = train(tmp_path, base_dir)
    assert result["held_out_pairs"] == 40 and result["pairs"] == 120 and result["steps"] == 23
    assert result["held_out_accuracy"] > 0.9
    out = tmp_path / "run" / "rm" / "model"
    assert json.loads((out / "align_model.json").read_text())["type"] == "hf_reward"
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["LlamaForSequenceClassification"] and len(config["id2label"]) == 1
    accuracy, score = fresh_accuracy(tmp_path / "run", dtype="bf16")
    assert accuracy > 0.9
    assert next(score.model.parameters()).dtype == torch.bfloat16     # the reward's declared dtype
    # The scorer (fp32) reads what training read: its score is the trained module's forward.
    _, score32 = fresh_accuracy(tmp_path / "run")
    module, tok = load_scalar_head(str(out), 0, "x", CPU, "/x")
    ids = reward_encoder(tok)(["say 1:"], ["ab!c"])[0]
    with torch.no_grad():
        trained = module(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))
    assert float(trained[0]) == pytest.approx(float(score32(["say 1:"], ["ab!c"])[0]), abs=1e-5)


def test_hf_reward_model_on_flipped_preferences_learns_the_opposite(tmp_path, base_dir):
    result = train(tmp_path, base_dir, flipped=True)
    assert result["held_out_accuracy"] > 0.9          # the held-out pairs are flipped too
    assert fresh_accuracy(tmp_path / "run")[0] < 0.1


def test_hf_reward_model_starts_from_an_sft_stages_hf_output(tmp_path, base_dir):
    # A negligible lr (AdamW moves each weight by about lr per step): the saved backbone is the
    # SFT output's, under a fresh score head.
    plan = rm_plan(tmp_path, base_dir, epochs=1, lr=1e-12)
    plan["stages"]["sft"] = pb.sft_stage({"model": "rm_base"}, [{"dataset": "pairs"}], epochs=1, batch_size=16,
                                         checkpoint_every=0)
    plan["datasets"]["pairs"]["fields"]["target"] = "chosen"
    plan["stages"]["rm"]["model"] = {"stage": "sft", "output": "model"}
    path = pb.write(plan, tmp_path / "plan.json")
    for stage in ("sft", "rm"):
        assert main(["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp_path / "run"), "--cpu"]) == 0
    sft = F.load_weights(tmp_path / "run" / "sft" / "model")
    rm = transformers.AutoModelForSequenceClassification.from_pretrained(str(tmp_path / "run" / "rm" / "model")).state_dict()
    backbone = [k for k in sft if k.startswith("model.")]
    assert backbone and set(rm) == set(backbone) | {"score.weight"}
    # sft's model/ is in rm_base's declared dtype (bf16); the rm stage trained it in fp32 and, its
    # model being sft's output, wrote it back in that same dtype.
    assert all(rm[k].dtype == torch.bfloat16 for k in backbone)
    assert all(torch.allclose(rm[k].float(), sft[k].float(), rtol=0, atol=1e-9) for k in backbone)
    assert not torch.allclose(sft["model.embed_tokens.weight"].float(), F.load_weights(base_dir)["model.embed_tokens.weight"])


def test_a_declarations_lora_is_not_applied_and_the_stage_says_so(tmp_path, base_dir, capfd):
    plan = rm_plan(tmp_path, base_dir, epochs=1)
    plan["models"]["rm_base"]["lora"] = {"rank": 4, "alpha": 8, "dropout": 0.0, "targets": ["q_proj", "v_proj"]}
    path = pb.write(plan, tmp_path / "plan.json")
    assert main(["run", "--plan", str(path), "--stage", "rm", "--run-dir", str(tmp_path / "run"), "--cpu"]) == 0
    assert ("align-worker: warning: /stages/rm/model: model 'rm_base' declares lora, which a reward or value model "
            "does not use: all its weights are trained") in capfd.readouterr().err
    saved = transformers.AutoModelForSequenceClassification.from_pretrained(str(tmp_path / "run" / "rm" / "model"))
    assert not any("lora" in k for k in saved.state_dict())


def test_hf_reward_model_stopped_and_resumed_equals_the_uninterrupted_run(tmp_path, base_dir):
    from align_worker.trainer import STOP_FILE
    path = pb.write(rm_plan(tmp_path, base_dir, epochs=1, checkpoint_every=100), tmp_path / "plan.json")
    args = ["run", "--plan", str(path), "--stage", "rm", "--cpu", "--run-dir"]
    assert main(args + [str(tmp_path / "whole")]) == 0
    (tmp_path / "stopped").mkdir()
    (tmp_path / "stopped" / STOP_FILE).touch()
    assert main(args + [str(tmp_path / "stopped")]) == 75
    (tmp_path / "stopped" / STOP_FILE).unlink()
    assert main(args + [str(tmp_path / "stopped"), "--resume"]) == 0
    whole, resumed = (transformers.AutoModelForSequenceClassification.from_pretrained(str(tmp_path / d / "rm" / "model"))
                      .state_dict() for d in ("whole", "stopped"))
    assert set(whole) == set(resumed) and all(torch.equal(whole[k], resumed[k]) for k in whole)
    results = [json.loads((tmp_path / d / "rm" / "result.json").read_text()) for d in ("whole", "stopped")]
    assert results[0]["held_out_accuracy"] == results[1]["held_out_accuracy"]


def test_value_head_at_the_last_token_is_the_reward_score(base_dir):
    module, tok = load_scalar_head(str(base_dir), 5, "v", CPU, "/x")
    ids = [reward_encoder(tok)(["say 1:"], [w])[0] for w in ("ab!", "hello world the answer")]
    width = max(len(i) for i in ids)
    batch = torch.tensor([i + [tok.pad_token_id] * (width - len(i)) for i in ids])
    mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in ids])
    with torch.no_grad():
        scores, values = module(batch, mask), module.token_values(batch, mask)
    assert values.shape == (2, width)
    for row, i in enumerate(ids):
        assert float(values[row, len(i) - 1]) == pytest.approx(float(scores[row]), abs=1e-5)
    assert float(values[0, 0]) != pytest.approx(float(values[0, 1]), abs=1e-6)    # a value per position


def test_two_ddp_ranks_train_the_hf_reward_model_as_one_rank(tmp_path, base_dir):
    plan = rm_plan(tmp_path, base_dir, epochs=1)
    # model/ is written in the declared dtype: fp32 here, so the comparison sees the trained
    # weights, not which side of a bf16 rounding boundary a 1e-7 difference falls on.
    plan["models"]["rm_base"]["dtype"] = "fp32"
    path = pb.write(plan, tmp_path / "plan.json")
    results, weights = {}, {}
    for world in (1, 2):
        dirs = [tmp_path / f"w{world}-rank{r}" for r in range(world)]
        assert [code for code, _ in spawn_ranks(path, dirs, stage="rm")] == [0] * world
        results[world] = json.loads((dirs[0] / "rm" / "result.json").read_text())
        model = transformers.AutoModelForSequenceClassification.from_pretrained(str(dirs[0] / "rm" / "model"))
        weights[world] = model.state_dict()
    assert results[1]["held_out_accuracy"] == results[2]["held_out_accuracy"]
    assert set(weights[1]) == set(weights[2])
    assert max(float((weights[1][k] - weights[2][k]).abs().max()) for k in weights[1]) < 1e-5
    assert not torch.equal(weights[1]["score.weight"], load_scalar_head(str(base_dir), 11, "rm_base", CPU, "/x")[0]
                           .model.score.weight)
