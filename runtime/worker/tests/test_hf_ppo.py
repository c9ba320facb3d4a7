"""PPO with a Hugging Face policy and a Hugging Face value model (the sequence-classification
backbone and score head read at every position): it learns the torn-policy case, and a cgpo
stage whose value model starts from a Hugging Face reward_model stage trains, checkpoints,
resumes exactly and saves the value model in model/value/<name>/."""

import json

import pytest
import torch

transformers = pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker import planbuild as pb  # noqa: E402
from align_worker import checkpoint as ckpt  # noqa: E402
from align_worker.cli import main  # noqa: E402
from align_worker.errors import UserError  # noqa: E402
from align_worker.hf_reward import load_scalar_head  # noqa: E402
from align_worker.models import load_model, load_reward_model  # noqa: E402
from align_worker.plan import ModelSpec  # noqa: E402
from align_worker.trainer import STOP_FILE  # noqa: E402
from align_worker.value import ValueModel, value_network  # noqa: E402
from conftest import arith_plan, read_jsonl, spawn_ranks  # noqa: E402
from test_learning import assert_ppo_moves_a_torn_policy  # noqa: E402
from test_reward_model import PAIR_FIELDS, exclaimed_pairs  # noqa: E402

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    return F.save_causal_lm(tmp_path_factory.mktemp("hf") / "tiny-llama")


def local(path):
    return {"from": {"type": "local", "path": str(path)}, "dtype": "fp32", "params": None,
            "gradient_checkpointing": False, "lora": None}


def policy(base_dir):
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)}, dtype="fp32")
    return load_model(spec, 0, base_dir, base_dir, CPU, trainable=True)


@pytest.mark.parametrize("whiten", [False, True], ids=["raw", "whitened"])
def test_ppo_with_an_hf_value_model_moves_a_torn_hf_policy(base_dir, whiten):
    torch.manual_seed(0)
    lm = policy(base_dir)
    module, tok = load_scalar_head(str(base_dir), 12, "critic", CPU, "/x")
    critic = ValueModel(module, 3e-3, 0.0, 1.0, lm.tokenizer.pad_id, lm.context, tok)
    assert_ppo_moves_a_torn_policy(lm, critic, whiten=whiten)


def test_a_value_model_of_another_backend_or_vocabulary_is_a_one_line_error(base_dir, tmp_path):
    lm = policy(base_dir)
    builtin = ModelSpec("/models/critic", "critic", pb.builtin_model(layers=1, width=32, heads=2, context=64)["from"])
    with pytest.raises(UserError, match=r"^/tasks/t/optimizer/value_model: .*a builtin value model needs a builtin"):
        value_network(builtin, lm, 0, tmp_path, tmp_path, CPU, "/tasks/t/optimizer/value_model")
    other = tmp_path / "other"
    F.save_causal_lm(other)
    tok = transformers.AutoTokenizer.from_pretrained(str(other))
    tok.add_tokens(["<extra>"])
    tok.save_pretrained(str(other))
    foreign = ModelSpec("/models/critic", "critic", {"type": "local", "path": str(other)})
    with pytest.raises(UserError, match=r"value model's tokenizer differs from the policy's"):
        value_network(foreign, lm, 0, tmp_path, tmp_path, CPU, "/tasks/t/optimizer/value_model")


def ppo_plan(workspace, base_dir):
    """An HF policy on the arithmetic task with PPO; its value model is a reward model the rm
    stage trains from the same base."""
    (workspace / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in exclaimed_pairs(32, seed=3)))
    opt = pb.optimizer("ppo", generations=2, max_tokens=3, value_model={"stage": "rm", "output": "model"},
                       value_lr=1e-3, ppo_epochs=2, whiten_advantages=True)
    plan = arith_plan(steps=3, tasks={"arith": pb.task(["train"], "correct", ["math"], opt, batch_size=2)},
                      checkpoint_every=100)
    plan["models"]["tiny"] = local(base_dir)
    plan["datasets"]["pairs"] = pb.jsonl_dataset("pairs.jsonl", PAIR_FIELDS)
    plan["stages"]["rm"] = pb.reward_model_stage({"model": "tiny"}, [{"dataset": "pairs"}], eval_fraction=0.25,
                                                 lr=1e-3, batch_size=8, checkpoint_every=0)
    plan["stages"]["cgpo"]["needs"] = ["rm"]
    return pb.write(plan, workspace / "plan.json"), plan


def run_stage(path, run_dir, stage, url=None, resume=False):
    args = ["run", "--plan", str(path), "--stage", stage, "--run-dir", str(run_dir), "--cpu"]
    return main(args + (["--judge-url", url] if url else []) + (["--resume"] if resume else []))


def test_hf_ppo_stage_checkpoints_resumes_exactly_and_saves_its_value_model(workspace, base_dir, judge_server):
    path, plan = ppo_plan(workspace, base_dir)
    url = judge_server(plan)
    whole, stopped = workspace / "whole", workspace / "stopped"
    for run_dir in (whole, stopped):
        assert run_stage(path, run_dir, "rm") == 0
    assert run_stage(path, whole, "cgpo", url) == 0
    (stopped / STOP_FILE).touch()
    assert run_stage(path, stopped, "cgpo", url) == 75
    (checkpoint,) = ckpt.list_checkpoints(stopped / "cgpo")
    (stopped / STOP_FILE).unlink()
    assert run_stage(path, stopped, "cgpo", url, resume=True) == 0

    expected, got = F.load_weights(whole / "cgpo" / "model"), F.load_weights(stopped / "cgpo" / "model")
    assert all(torch.equal(got[k], expected[k]) for k in expected)
    lines = [m for m in read_jsonl(stopped / "cgpo" / "metrics.jsonl") if m.get("task") == "arith"]
    assert [m["step"] for m in lines] == [1, 2, 3] and all(m["value_loss"] > 0 for m in lines)
    # The value model: saved as a reward-model directory, equal in both runs, trained away from
    # the reward model it started from, and loadable as a reward.
    value = stopped / "cgpo" / "model" / "value" / "rm"
    assert json.loads((value / "align_model.json").read_text())["type"] == "hf_reward"
    weights = {w: transformers.AutoModelForSequenceClassification.from_pretrained(str(d)).state_dict()
               for w, d in (("whole", whole / "cgpo" / "model" / "value" / "rm"), ("stopped", value),
                            ("rm", stopped / "rm" / "model"))}
    assert all(torch.equal(weights["whole"][k], weights["stopped"][k]) for k in weights["rm"])
    assert not torch.equal(weights["stopped"]["score.weight"], weights["rm"]["score.weight"])
    score = load_reward_model({"type": "local", "path": str(value)}, "v", 0, workspace, CPU)
    assert score(["1+1="], ["2"]).shape == (1,)


@pytest.mark.skipif(tuple(int(x) for x in torch.__version__.split(".")[:2]) < (2, 1),
                    reason="FSDP on CPU needs torch >= 2.1")
def test_hf_ppo_with_an_fsdp_policy_on_two_gloo_ranks_matches_one_rank(workspace, base_dir, judge_server):
    # The policy is FSDP-sharded; the value model (the policy's base with a fresh head) is
    # replicated and its gradients summed over ranks by hand (as under DDP: test_distributed.py);
    # whitening uses the global batch.
    opt = pb.optimizer("ppo", generations=2, max_tokens=3, value_model={"model": "tiny"}, value_lr=1e-3,
                       ppo_epochs=2, whiten_advantages=True)
    plan = arith_plan(steps=2, tasks={"arith": pb.task(["train"], "correct", ["math"], opt, batch_size=4)},
                      checkpoint_every=100)
    plan["models"]["tiny"] = local(base_dir)
    plan["cluster"]["sharding"] = "fsdp"
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    for world in (1, 2):
        results = spawn_ranks(path, [workspace / f"w{world}"] * world, url)
        assert [code for code, _ in results] == [0] * world, [err[-2000:] for _, err in results]
    for part, auto in (("model", transformers.AutoModelForCausalLM),
                       ("model/value/tiny", transformers.AutoModelForSequenceClassification)):
        a, b = (auto.from_pretrained(str(workspace / w / "cgpo" / part)).state_dict() for w in ("w1", "w2"))
        assert set(a) == set(b)
        assert all(torch.allclose(a[k], b[k], atol=2e-5, rtol=1e-4) for k in a), part
    trained, base = F.load_weights(workspace / "w2" / "cgpo" / "model"), F.load_weights(base_dir)
    assert any(not torch.allclose(trained[k], base[k], atol=1e-4) for k in base)
