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
from align_worker import checkpoint as ckpt, planbuild as pb, sharded, sharded_checkpoint  # noqa: E402
from align_worker.errors import UserError  # noqa: E402
from conftest import WORKER, arith_plan, free_port, read_jsonl, spawn_ranks  # noqa: E402

pytestmark = pytest.mark.skipif(not sharded.available(), reason="FSDP2 (torch >= 2.4) is not in this torch")

# Resident memory a rank may add while loading beyond its share x 1.3 (and, for the trained model,
# the unit FSDP1 is flattening): constructing the model on the meta device and FSDP's
# bookkeeping. Measured 13 MiB for the frozen bf16 model (FSDP2), 18 MiB for the trained fp32 one
# (FSDP1), on 2 and 4 ranks.
FIXED_OVERHEAD = 24 << 20


@pytest.fixture(scope="module")
def wide_llama(tmp_path_factory):
    """The checkpoint, its size in bf16, and plain transformers' logits of a fixed batch."""
    path = F.save_wide_llama(tmp_path_factory.mktemp("wide") / "llama")
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.bfloat16)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([[1, 5, 9, 13, 2]])).logits.float()[0, :, :8]
    return path, sum(p.numel() * 2 for p in model.parameters()), logits


@pytest.fixture(scope="module")
def deep_llama(tmp_path_factory):
    """The checkpoint, its size in fp32 (the trained model's master weights), the bytes of its
    largest FSDP unit (a decoder layer), and plain transformers' fp32 logits of a fixed batch."""
    path = F.save_deep_llama(tmp_path_factory.mktemp("deep") / "llama")
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([[1, 5, 9, 13, 2]])).logits[0, :, :8]
    unit = max(sum(p.numel() * 4 for p in layer.parameters()) for layer in model.model.layers)
    return path, sum(p.numel() * 4 for p in model.parameters()), unit, logits


def load_on_ranks(model_dir, world, how="sharded", *extra):
    """tests/scale_ranks.py on `world` gloo ranks: one JSON report per rank."""
    port, procs = str(free_port()), []
    # The trained model's loading frees what it read once FSDP has flattened and sharded it.
    # glibc maps allocations of 32 MiB and more and unmaps them on free; below that its adaptive
    # threshold keeps freed blocks in the heap, still resident. A real model's parameters are
    # all above it (an 8B layer's matrices are 64-224 MiB in fp32), this one's are 1-3 MiB:
    # a fixed 1 MiB threshold makes it behave like the real one.
    malloc = {"MALLOC_MMAP_THRESHOLD_": str(1 << 20)} if how.startswith(("trained", "save")) else {}
    for rank in range(world):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE=str(world), **malloc)
        procs.append(subprocess.Popen([sys.executable, str(WORKER / "tests" / "scale_ranks.py"), str(model_dir), how,
                                       *map(str, extra)],
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


@pytest.mark.parametrize("world", [2, 4])
def test_each_rank_holds_its_shard_of_the_trained_model_and_one_unit_more_while_loading(deep_llama, world):
    """The policy (fp32, FSDP1): built on the meta device, each unit read from the file as FSDP
    wraps it. Beyond the share x 1.3: the unit being flattened, twice (its tensors and the flat
    copy), and FIXED_OVERHEAD; measured 134 MiB on 2 ranks (share 92) and 87 on 4 (share 46)."""
    path, total, unit, expected = deep_llama
    bound = total / world * 1.3 + 2 * unit + FIXED_OVERHEAD
    for r in load_on_ranks(path, world, "trained"):
        assert abs(r["local_bytes"] - total / world) < 0.01 * total
        assert r["peak"] - r["before"] < bound, ((r["peak"] - r["before"]) >> 20, int(bound) >> 20)
        assert torch.allclose(torch.tensor(r["logits"]), expected, atol=1e-4), r["rank"]


@pytest.mark.parametrize("world", [2, 4])
def test_a_lora_policy_is_built_on_the_meta_device_and_read_unit_by_unit_too(deep_llama, world):
    """The policy with LoRA adapters (peft wraps the meta model; the reader fills base weights
    from the file and adapters by name from the seed): the same bound as without LoRA, the
    adapters those of an unsharded load, and the logits plain transformers' (B starts at 0)."""
    pytest.importorskip("peft")
    from align_worker.models import load_model
    from align_worker.plan import ModelSpec
    from scale_ranks import LORA
    path, total, unit, expected = deep_llama
    spec = ModelSpec("/models/big", "big", {"type": "local", "path": str(path)}, "fp32", lora=LORA)
    whole = load_model(spec, 0, path, path, torch.device("cpu"), trainable=True)
    adapters = [p for name, p in whole.module.named_parameters() if "lora_" in name]
    bound = (total + sum(p.numel() * 4 for p in adapters)) / world * 1.3 + 2 * unit + FIXED_OVERHEAD
    reports = load_on_ranks(path, world, "trained-lora")
    for r in reports:
        assert r["peak"] - r["before"] < bound, ((r["peak"] - r["before"]) >> 20, int(bound) >> 20)
        assert torch.allclose(torch.tensor(r["logits"]), expected, atol=1e-4), r["rank"]
    expected_a = sum(float(p.detach().double().sum()) for name, p in whole.module.named_parameters() if "lora_A" in name)
    assert expected_a != 0.0
    assert sum(r["adapters"] for r in reports) == pytest.approx(expected_a, rel=1e-9)


def test_the_unit_reader_fills_a_meta_model_as_from_pretrained_does_and_keeps_tied_weights_one(tmp_path):
    """What FSDP calls per module, called here on every module: a tied Llama (the file has no
    lm_head) equals from_pretrained's, each Parameter object kept; a missing tensor is named."""
    from align_worker import hf
    path = F.save_causal_lm(tmp_path / "tied", seed=4, tie_word_embeddings=True)
    module, _, index = hf.build_on_meta(str(path), None, "AutoModelForCausalLM", torch.float32,
                                        torch.device("cpu"), "/models/m")
    before = {name: id(p) for name, p in module.named_parameters()}
    read = sharded.unit_weights_reader(module, index, "/models/m")
    for sub in module.modules():
        read(sub)
    assert {name: id(p) for name, p in module.named_parameters()} == before
    assert module.lm_head.weight is module.model.embed_tokens.weight
    expected = F.load_weights(path)
    for name, value in module.state_dict().items():
        assert torch.equal(value, expected[name]), name
    module, _, index = hf.build_on_meta(str(path), None, "AutoModelForCausalLM", torch.float32,
                                        torch.device("cpu"), "/models/m")
    del index.entries["model.norm.weight"]
    with pytest.raises(UserError, match="/models/m: the checkpoint has no weights for model.norm.weight"):
        for sub in module.modules():
            sharded.unit_weights_reader(module, index, "/models/m")(sub)


def test_the_former_whole_model_loads_break_those_bounds(wide_llama, deep_llama):
    """Built whole on each rank (what the worker did, frozen and trained, with LoRA or not):
    the bounds above fail, on 2 ranks."""
    path, total, _ = wide_llama
    for r in load_on_ranks(path, 2, "whole"):
        assert r["peak"] - r["before"] > total / 2 * 1.3 + FIXED_OVERHEAD
    path, total, unit, _ = deep_llama
    for how in ("trained-whole", "trained-lora-whole"):
        for r in load_on_ranks(path, 2, how):
            assert r["peak"] - r["before"] > total / 2 * 1.3 + 2 * unit + FIXED_OVERHEAD, how


def test_the_final_model_is_written_unit_by_unit_from_the_shards_in_the_declared_dtype(deep_llama, tmp_path):
    """2 FSDP ranks write the trained policy's model/ in bf16 (fp32 master weights): rank 0
    grows by about one gathered unit (its tensors, their CPU copy, the bf16 cast) where
    gathering the full state dict grows by the whole model; every tensor of the files is bf16,
    config.json says so, and the directory loads in plain transformers (dtype auto) equal to
    the bf16 cast of the weights, as the single-rank save writes them."""
    from safetensors import safe_open
    from align_worker.models import load_model, save_model
    from align_worker.plan import ModelSpec
    path, total, unit, _ = deep_llama
    bound = 3 * unit + FIXED_OVERHEAD
    for r in load_on_ranks(path, 2, "save", tmp_path / "sharded"):
        assert r["peak"] - r["before"] < bound, (r["rank"], (r["peak"] - r["before"]) >> 20, bound >> 20)
    gathered = load_on_ranks(path, 2, "save-gathered", tmp_path / "gathered")
    assert gathered[0]["peak"] - gathered[0]["before"] > total * 0.9 > bound
    spec = ModelSpec("/models/big", "big", {"type": "local", "path": str(path)}, "fp32")
    one = load_model(spec, 0, path, path, torch.device("cpu"), trainable=True)
    expected = {k: v.to(torch.bfloat16) for k, v in one.module.state_dict().items()}
    save_model(one, tmp_path / "single", dtype=torch.bfloat16)
    assert all(p.dtype == torch.float32 for p in one.module.parameters())   # the trained module is untouched
    for name in ("single", "sharded", "gathered"):
        files = list((tmp_path / name).glob("*.safetensors"))
        assert files and all(f.get_slice(k).get_dtype() == "BF16" for path_ in files
                             for f in [safe_open(str(path_), "pt")] for k in f.keys()), name
        config = json.loads((tmp_path / name / "config.json").read_text())
        assert config.get("dtype", config.get("torch_dtype")) == "bfloat16", name
        model = transformers.AutoModelForCausalLM.from_pretrained(str(tmp_path / name), dtype="auto")
        got = model.state_dict()
        assert got.keys() == expected.keys()
        assert all(got[k].dtype == torch.bfloat16 and torch.equal(got[k], expected[k]) for k in expected), name
    files = sorted(p.name for p in (tmp_path / "sharded").iterdir())
    assert "model.safetensors.index.json" in files and "config.json" in files and "align_model.json" in files


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
    # Three tasks, three rollout phases, each decoding through the policy gathered once (replica.py).
    assert err.count("[cgpo] rollouts gather the policy once per phase: a float32 copy") == 1, err
    # The baseline model (sharded, FSDP2) generates through a copy gathered once per call too.
    assert err.count("[cgpo] baselines gather model 'tiny' once per phase: a float32 copy") == 1, err
    lines = read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl")
    for name in ("a", "b", "c"):
        (rec,) = [r for r in lines if r.get("task") == name]
        assert rec["samples"] == 4 and 0.0 < rec["reward_calibrated_mean"] < 1.0
        # Step 1: the sharded reference read from the file equals the policy it was loaded from.
        assert abs(rec["log_ratio_max"]) < 1e-4 and abs(rec["log_ratio_min"]) < 1e-4


@pytest.fixture(scope="module")
def fsdp_llama_run(tmp_path_factory):
    """CRPG on a random Hugging Face Llama policy rewarded by a random reward model, two FSDP
    ranks (the policy read unit by unit, reference and reward model sharded), a checkpoint
    after every step but the last (steps 2 and 3 kept), four steps, uninterrupted: the run the
    killed and resumed ones must reproduce. Yields (workspace, plan path, judge URL, run dir)."""
    from align_worker import arith
    from align_worker.devserver import JudgeApp, serve
    workspace = tmp_path_factory.mktemp("fsdp-llama")
    train, _ = arith.split(seed=0, max_operand=9, n_test=20)
    arith.write_jsonl(train, workspace / "train.jsonl")
    arith.write_jsonl(train[:4], workspace / "test.jsonl")
    F.save_causal_lm(workspace / "policy", seed=2)
    F.save_reward_model(workspace / "rm", seed=5)
    plan = arith_plan(variant="crpg", steps=4, k=2, batch=4, checkpoint_every=1)
    plan["cluster"]["sharding"] = "fsdp"
    plan["models"]["tiny"] = {"from": {"type": "local", "path": "policy"}, "dtype": "fp32", "params": None,
                              "gradient_checkpointing": False, "lora": None}
    # A reward model's scores differ between samples, so every step moves the weights.
    plan["rewards"]["rm"] = {"from": {"type": "local", "path": "rm"}, "kind": "scalar", "dtype": "fp32",
                             "baseline": {"type": "none"}}
    plan["tasks"]["arith"] = pb.task(["train"], "rm", [], pb.optimizer("crpg", generations=2, max_tokens=3,
                                                                      kl_max=2.0), batch_size=4)
    path = pb.write(plan, workspace / "plan.json")
    server = serve(JudgeApp(plan))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    full = workspace / "full"
    results = spawn_ranks(path, [full] * 2, url)
    assert all(code == 0 for code, _ in results), results
    yield workspace, path, url, full
    server.shutdown()
    server.server_close()


def final_weights_of(run, stage):
    return F.load_weights(run / stage / "model")


def final_weights(run):
    return final_weights_of(run, "cgpo")


def assert_same_weights(a, b, atol):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=atol, rtol=0), (k, float((a[k] - b[k]).abs().max()))


def summary_loss(run, step):
    return next(r["loss"] for r in read_jsonl(run / "cgpo" / "metrics.jsonl")
                if r["step"] == step and r.get("task") is None)


@pytest.mark.parametrize("world", [1, 4])
def test_a_checkpoint_written_by_two_fsdp_ranks_resumes_on_another_world_size(fsdp_llama_run, world):
    """DCP reshards: the resumed step computes the loss the uninterrupted run computed (so the
    parameters it resumed with are the checkpoint's) and the run ends on the same weights, to
    float rounding of another reduction order (so is the optimizer state)."""
    workspace, path, url, full = fsdp_llama_run
    resumed = workspace / f"on-{world}"
    shutil.copytree(full, resumed)
    shutil.rmtree(resumed / "cgpo" / "model")
    shutil.rmtree(resumed / "cgpo" / "checkpoints" / "step-00000003")
    assert [p.name for p in ckpt.list_checkpoints(resumed / "cgpo")] == ["step-00000002"]
    results = spawn_ranks(path, [resumed] * world, url, resume=True)
    assert all(code == 0 for code, _ in results), results
    assert "resuming a checkpoint of 2 ranks on " + str(world) in results[0][1]
    assert summary_loss(full, 3) != 0.0
    assert summary_loss(resumed, 3) == pytest.approx(summary_loss(full, 3), rel=1e-5, abs=1e-7)
    assert not torch.equal(final_weights(full)["lm_head.weight"], F.load_weights(workspace / "policy")["lm_head.weight"])
    assert_same_weights(final_weights(resumed), final_weights(full), atol=1e-6)


@pytest.mark.parametrize("where, step, left", [("CHECKPOINT", 2, ["step-00000001"]),
                                               ("PRUNE", 3, ["step-00000002", "step-00000003"])])
def test_a_kill_during_save_or_prune_on_two_ranks_leaves_the_previous_checkpoint_complete(
        fsdp_llama_run, where, step, left):
    """SIGKILL inside the step's checkpoint write (every rank, after its DCP shard) or inside the
    prune (rank 0, between the rename and the delete; rank 1 then fails on the lost peer): only
    complete checkpoints carry a step name, and --resume on two ranks ends where the
    uninterrupted run ended, exactly."""
    workspace, path, url, full = fsdp_llama_run
    run = workspace / f"killed-in-{where.lower()}"
    results = spawn_ranks(path, [run] * 2, url, env_extra={f"ALIGN_WORKER_TEST_KILL_IN_{where}": str(step)})
    assert results[0][0] == -9 and results[1][0] != 0, results
    assert [p.name for p in ckpt.list_checkpoints(run / "cgpo")] == left
    hidden = ".tmp-step-00000002" if where == "CHECKPOINT" else ".old-step-00000001"
    assert (run / "cgpo" / "checkpoints" / hidden).is_dir()
    for name in left:
        files = set(sharded_checkpoint.manifest_files(run / "cgpo" / "checkpoints" / name)) | {"manifest.json"}
        assert {p.name for p in (run / "cgpo" / "checkpoints" / name).iterdir()} == files
        assert {".metadata", "__0_0.distcp", "__1_0.distcp", "state.json"} <= files
    results = spawn_ranks(path, [run] * 2, url, resume=True)
    assert all(code == 0 for code, _ in results), results
    assert_same_weights(final_weights(run), final_weights(full), atol=0)
    assert not any(p.name.startswith((".tmp-", ".old-")) for p in (run / "cgpo" / "checkpoints").iterdir())


def test_sft_of_a_llama_read_unit_by_unit_on_two_fsdp_ranks_matches_one_rank_loading_it_whole(fsdp_llama_run):
    workspace, path, url, _ = fsdp_llama_run
    one, two = workspace / "sft-1", workspace / "sft-2"
    for run, world in ((one, 1), (two, 2)):
        results = spawn_ranks(path, [run] * world, stage="sft")
        assert all(code == 0 for code, _ in results), results
    assert_same_weights(final_weights_of(two, "sft"), final_weights_of(one, "sft"), atol=1e-5)
    assert not torch.equal(final_weights_of(one, "sft")["lm_head.weight"],
                           F.load_weights(workspace / "policy")["lm_head.weight"])


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


def in_fresh_process(measure: str, *args: str):
    """Runs this file's `measure(*args)` in a new interpreter and returns what it returns. Peak
    memory measured inside pytest's own process depends on what earlier tests left in the heap
    (freed but kept by glibc); a new process with a fixed mmap threshold, so large blocks go back
    to the system when freed, measures the same every time."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = (f"import json, sys; sys.path[:0] = [{here!r}, {os.path.dirname(here)!r}]; "
            f"import pathlib, test_scale as t; print(json.dumps(t.{measure}(*[pathlib.Path(a) for a in sys.argv[1:]])))")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env={**os.environ, "MALLOC_MMAP_THRESHOLD_": str(1 << 20)})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_growth(fn):
    """Resident memory the call adds at its peak (Linux high-water mark, reset first)."""
    from scale_ranks import rss_now, rss_peak
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = rss_now()
    result = fn()
    return rss_peak() - before, result


def measure_reference_scoring():
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
    bound = full_logits * 0.75            # 4 rows of 64 tokens: a quarter of the logits (+ blocks)
    return {"same": bool(torch.allclose(bounded, expected, atol=1e-4)), "grown": grown, "bound": bound, "former": grown_whole}


def test_reference_scoring_keeps_to_its_token_budget_and_never_holds_the_batchs_fp32_logits():
    m = in_fresh_process("measure_reference_scoring")
    assert m["same"]
    assert m["grown"] < m["bound"] < m["former"], {k: v // 2**20 for k, v in m.items() if k != "same"}


def measure_reward_scoring(tmp_path):
    """A reward model whose MLP activations dominate (intermediate 8192): 64 rows of ~40 tokens
    in one forward, as the former 64-row batches ran, hold ~80 MiB per MLP activation; batches
    of 256 tokens hold an eighth of that, and score the same."""
    from align_worker.frozen import lockstep_score
    from align_worker.models import load_reward_model
    tok = F.build_tokenizer()
    cfg = F.llama_config(tok, hidden=64, context=128, num_labels=1)
    cfg.intermediate_size = 8192
    torch.manual_seed(0)
    transformers.LlamaForSequenceClassification(cfg).save_pretrained(str(tmp_path / "rm"))
    tok.save_pretrained(str(tmp_path / "rm"))
    scorer = load_reward_model({"type": "local", "path": "rm"}, "rm", 0, tmp_path, torch.device("cpu"))
    prompts = [f"Q: What is {i}+{i + 1}= " for i in range(64)]
    responses = ["the answer is " * 4 + str(2 * i + 1) + " hello world" * 3 for i in range(64)]
    tokens = sum(len(s) for s in scorer.encode(prompts, responses))
    scorer(prompts[:1], responses[:1])               # first-call setup out of the measurement
    grown, bounded = peak_growth(lambda: lockstep_score(scorer, None, budget=256)(prompts, responses))
    grown_rows, expected = peak_growth(lambda: scorer(prompts, responses))
    bound = tokens * cfg.intermediate_size * 4        # one MLP activation of the whole batch
    return {"same": bool(torch.allclose(bounded, expected, atol=1e-4)), "grown": grown, "bound": bound, "former": grown_rows}


def test_reward_scoring_keeps_to_its_token_budget(tmp_path):
    m = in_fresh_process("measure_reward_scoring", str(tmp_path))
    assert m["same"]
    assert m["grown"] < m["bound"] < m["former"], {k: v // 2**20 for k, v in m.items() if k != "same"}


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
