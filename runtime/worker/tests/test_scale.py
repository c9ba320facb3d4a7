"""The worker at scale, on CPU with gloo ranks: sharded loading of frozen models (meta device,
FSDP2, each rank reading its rows of the safetensors files) and one copy per frozen model.

Runs under a torch with FSDP2 and transformers (the .venv-worker CI builds); skipped elsewhere.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
import torch

transformers = pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker import checkpoint as ckpt, planbuild as pb, sharded  # noqa: E402
from conftest import WORKER, arith_plan, free_port, read_jsonl, spawn_ranks  # noqa: E402

pytestmark = pytest.mark.skipif(not sharded.available(), reason="FSDP2 (torch >= 2.4) is not in this torch")

# Resident memory a rank may add while loading beyond its share x 1.3: constructing the model on
# the meta device and FSDP2's bookkeeping. Measured 13 MiB (63M-parameter model, 2 and 4 ranks).
FIXED_OVERHEAD = 24 << 20


@pytest.fixture(scope="module")
def wide_llama(tmp_path_factory):
    """The checkpoint, its size in bf16, and plain transformers' logits of a fixed batch."""
    path = F.save_wide_llama(tmp_path_factory.mktemp("wide") / "llama")
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.bfloat16)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([[1, 5, 9, 13, 2]])).logits.float()[0, :, :8]
    return path, sum(p.numel() * 2 for p in model.parameters()), logits


def load_on_ranks(model_dir, world, how="sharded"):
    """tests/scale_ranks.py on `world` gloo ranks: one JSON report per rank."""
    port, procs = str(free_port()), []
    for rank in range(world):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE=str(world))
        procs.append(subprocess.Popen([sys.executable, str(WORKER / "tests" / "scale_ranks.py"), str(model_dir), how],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


@pytest.mark.parametrize("world", [2, 4])
def test_each_rank_holds_its_shard_of_a_frozen_model_and_little_more_while_loading(wide_llama, world):
    path, total, expected = wide_llama
    for r in load_on_ranks(path, world):
        assert abs(r["local_bytes"] - total / world) < 0.01 * total           # its share, bf16
        grown = r["peak"] - r["before"]
        assert grown < r["local_bytes"] * 1.3 + FIXED_OVERHEAD, (grown >> 20, r["local_bytes"] >> 20)
        # The sharded model computes what plain transformers computes from the same file.
        assert torch.allclose(torch.tensor(r["logits"]), expected, atol=2e-2), r["rank"]


def test_a_reward_model_named_by_three_tasks_is_loaded_once_and_sharded(workspace, judge_server, tmp_path):
    """cgpo on two FSDP ranks: three tasks, one reward model (also the baseline scorer of one
    task); the policy's reference is a sharded bf16 copy read from the checkpoint."""
    F.save_causal_lm(workspace / "policy")
    F.save_reward_model(workspace / "rm", seed=5)
    plan = arith_plan(variant="crpg", steps=1, k=2, batch=2)
    plan["cluster"]["sharding"] = "fsdp"
    plan["models"]["tiny"] = {"from": {"type": "local", "path": "policy"}, "dtype": "fp32", "params": None,
                              "gradient_checkpointing": False, "lora": None}
    plan["rewards"]["rm"] = {"from": {"type": "local", "path": "rm"}, "kind": "scalar", "dtype": "bf16",
                             "baseline": {"type": "generated", "model": {"model": "tiny"}}}
    opt = pb.optimizer("crpg", generations=2, max_tokens=3, kl_max=2.0)
    for name in ("a", "b", "c"):
        plan["tasks"][name] = pb.task(["train"], "rm", [], opt, batch_size=2)
    plan["stages"]["cgpo"]["tasks"] = [{"task": t} for t in ("a", "b", "c")]
    path = pb.write(plan, workspace / "plan.json")
    results = spawn_ranks(path, [workspace / "run"] * 2, None)
    assert all(code == 0 for code, _ in results), results
    err = results[0][1]
    assert err.count("loaded reward model 'rm' (bf16) (sharded over 2 ranks)") == 1, err
    assert err.count("loaded model 'tiny' (fp32) (sharded over 2 ranks)") == 1, err   # reference + baseline
    lines = read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl")
    for name in ("a", "b", "c"):
        (rec,) = [r for r in lines if r.get("task") == name]
        assert rec["samples"] == 4 and 0.0 < rec["reward_calibrated_mean"] < 1.0
        # Step 1: the sharded reference read from the file equals the policy it was loaded from.
        assert abs(rec["log_ratio_max"]) < 1e-4 and abs(rec["log_ratio_min"]) < 1e-4


@pytest.mark.parametrize("world", [1, 4])
def test_a_checkpoint_written_by_two_fsdp_ranks_resumes_on_another_world_size(workspace, judge_server, world):
    """DCP reshards: the resumed step computes the loss the uninterrupted run computed (so the
    parameters are the same) and the run ends on the same weights (so is the optimizer state)."""
    plan = arith_plan(variant="crpg", steps=3, k=2, batch=4, checkpoint_every=2)
    plan["cluster"]["sharding"] = "fsdp"
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    full = workspace / "full"
    assert all(code == 0 for code, _ in spawn_ranks(path, [full] * 2, url))
    resumed = workspace / f"on-{world}"
    shutil.copytree(full, resumed)
    shutil.rmtree(resumed / "cgpo" / "model")
    assert [p.name for p in ckpt.list_checkpoints(resumed / "cgpo")] == ["step-00000002"]
    results = spawn_ranks(path, [resumed] * world, url, resume=True)
    assert all(code == 0 for code, _ in results), results
    assert "resuming a checkpoint of 2 ranks on " + str(world) in results[0][1]

    def step3(run):
        return next(r["loss"] for r in read_jsonl(run / "cgpo" / "metrics.jsonl")
                    if r["step"] == 3 and r.get("task") is None)
    assert step3(resumed) == pytest.approx(step3(full), rel=1e-5, abs=1e-7)
    a, b = (torch.load(run / "cgpo" / "model" / "model.pt") for run in (full, resumed))
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6), k


# ----- scoring in bounded memory ------------------------------------------------------------------

def scoring_setup():
    """A 1-layer Llama with a 32k vocabulary: 16 rows of 64 tokens have 131 MB of fp32 logits."""
    from align_worker.hf import HFTokenizer
    from align_worker.models import LanguageModel
    tok = F.build_tokenizer()
    cfg = F.llama_config(tok, layers=1, hidden=64, context=128)
    cfg.vocab_size = 32000
    torch.manual_seed(0)
    lm = LanguageModel(transformers.LlamaForCausalLM(cfg).eval(), HFTokenizer(tok), "hf", 128, {})
    g = torch.Generator().manual_seed(1)
    prompts = [torch.randint(3, 300, (8,), generator=g).tolist() for _ in range(16)]
    responses = [torch.randint(3, 300, (56,), generator=g).tolist() for _ in range(16)]
    return lm, prompts, responses


def peak_growth(fn):
    """Resident memory the call adds at its peak (Linux high-water mark, reset first)."""
    from scale_ranks import rss_now, rss_peak
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = rss_now()
    result = fn()
    return rss_peak() - before, result


def test_reference_scoring_keeps_to_its_token_budget_and_never_holds_the_batchs_fp32_logits():
    from align_worker.generation import right_pad
    from align_worker.rollout import score_no_grad
    lm, prompts, responses = scoring_setup()
    full_logits = 16 * 63 * 32000 * 4
    grown, bounded = peak_growth(lambda: score_no_grad(lm, prompts, responses, budget=256))

    @torch.no_grad()
    def whole_batch():                    # the former scoring: one forward, fp32 log-softmax
        ids, mask, target = right_pad(prompts, responses, lm.tokenizer.pad_id, 128)
        logits = lm.step(ids, mask, (mask.cumsum(1) - 1).clamp(min=0))[0][:, :-1].float()
        lp = logits.gather(2, ids[:, 1:, None]).squeeze(-1) - torch.logsumexp(logits, dim=-1)
        return (lp * target[:, 1:]).sum(1)
    grown_whole, expected = peak_growth(whole_batch)
    assert torch.allclose(bounded, expected, atol=1e-4)
    bound = full_logits * 0.75            # 4 rows of 64 tokens: a quarter of the logits (+ blocks)
    assert grown < bound < grown_whole, (grown >> 20, bound >> 20, grown_whole >> 20)


def test_dropout_is_off_for_rl_and_dpo_even_in_train_mode():
    """Attention dropout in the config and LoRA dropout: two train-mode forwards differ until
    disable_dropout, then agree (gradient checkpointing keeps the module in train mode)."""
    pytest.importorskip("peft")
    import peft
    from align_worker.models import disable_dropout
    tok = F.build_tokenizer()
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(F.llama_config(tok, attention_dropout=0.5))
    model = peft.get_peft_model(model, peft.LoraConfig(r=2, lora_alpha=4, lora_dropout=0.5,
                                                       target_modules=["q_proj"], task_type="CAUSAL_LM")).train()
    ids = torch.tensor([[1, 5, 9, 13, 2, 7]])
    assert not torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits)
    disable_dropout(model)
    assert model.training and torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits)


def test_the_generation_configs_eos_list_stops_generation(tmp_path):
    from align_worker.models import load_model
    from align_worker.plan import ModelSpec
    path = F.save_causal_lm(tmp_path / "m")
    config = json.loads((path / "generation_config.json").read_text())
    eos = config["eos_token_id"]
    config["eos_token_id"] = [eos, 7]
    (path / "generation_config.json").write_text(json.dumps(config))
    spec = ModelSpec("/models/m", "m", {"type": "local", "path": str(path)})
    lm = load_model(spec, 0, tmp_path, tmp_path, torch.device("cpu"), trainable=False)
    assert lm.tokenizer.stop_ids == (eos, 7)
