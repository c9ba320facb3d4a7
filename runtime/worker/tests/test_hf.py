"""The Hugging Face path with real transformers (and peft) objects, run only where they are
installed (`ALIGN_PYTHON=/path/to/python bash scripts/test-worker.sh`).

No hub access: tests/hf_fixtures.py trains a byte-level BPE tokenizer in code and saves tiny
random-init Llama models with save_pretrained; plans name them as `local` sources. Stages run
through the CLI entry point as in test_stages.py.
"""

import json

import pytest
import torch

transformers = pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker import arith, hf, planbuild as pb  # noqa: E402
from align_worker.cli import main  # noqa: E402
from align_worker.data import Order  # noqa: E402
from align_worker.errors import UserError  # noqa: E402
from align_worker.generation import generate, sequence_logprobs, token_logprobs  # noqa: E402
from align_worker.models import load_model, load_reward_model  # noqa: E402
from align_worker.plan import ModelSpec  # noqa: E402
from conftest import arith_plan, read_jsonl, run_cli, spawn_ranks  # noqa: E402

CPU = torch.device("cpu")
SFT_STEPS = 30                                    # 80 train rows, batch 8, three epochs
LORA = {"rank": 4, "alpha": 8, "dropout": 0.0, "targets": ["q_proj", "v_proj"]}


def hf_model(path, lora=None, gradient_checkpointing=False):
    return {"from": {"type": "local", "path": str(path)}, "dtype": "fp32", "params": None,
            "gradient_checkpointing": gradient_checkpointing, "lora": lora}


def hf_plan(model_dir, lora=None, gradient_checkpointing=False, cgpo_steps=3):
    """arith_plan with the tiny Llama as model "tiny": sft on it, then cgpo on sft's output."""
    plan = arith_plan(variant="crpg", steps=cgpo_steps, k=4, batch=4)
    plan["models"]["tiny"] = hf_model(model_dir, lora, gradient_checkpointing)
    plan["stages"]["sft"] = pb.sft_stage({"model": "tiny"}, [{"dataset": "train"}], epochs=3, lr=1e-2,
                                         batch_size=8, checkpoint_every=0)
    plan["stages"]["cgpo"] = pb.cgpo_stage({"stage": "sft", "output": "model"}, ["arith"],
                                           steps=cgpo_steps, lr=1e-3, checkpoint_every=0)
    return plan


def run(plan, work, stage, url=None, run_dir="run"):
    path = pb.write(plan, work / f"plan-{stage}.json")
    args = ["run", "--plan", str(path), "--stage", stage, "--run-dir", str(work / run_dir), "--cpu"]
    return main(args + (["--judge-url", url] if url else []))


def capture_saves(monkeypatch):
    """Record the worker's in-memory model right before it saves a stage's output."""
    seen = {}
    real = hf.save_hf

    def save(lm, out, state_dict, dtype=None):
        module = lm.unwrapped()
        seen["trainable"] = [n for n, p in module.named_parameters() if p.requires_grad]
        seen["checkpointing"] = bool(getattr(module, "is_gradient_checkpointing", False))
        seen["state"] = {k: v.detach().clone() for k, v in module.state_dict().items()}
        real(lm, out, state_dict, dtype)
    monkeypatch.setattr(hf, "save_hf", save)
    return seen


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """The local "hub download": a tiny Llama causal LM + tokenizer directory."""
    return F.save_causal_lm(tmp_path_factory.mktemp("hf") / "tiny-llama")


@pytest.fixture(scope="module")
def base_weights(base_dir):
    return F.load_weights(base_dir)


@pytest.fixture(scope="module")
def sft_run(tmp_path_factory, base_dir):
    """SFT on the local HF model through the CLI, once for the module (cgpo continues from it)."""
    work = tmp_path_factory.mktemp("sft")
    train, test = arith.split(seed=0, max_operand=9, n_test=20)
    arith.write_jsonl(train, work / "train.jsonl")
    arith.write_jsonl(test, work / "test.jsonl")
    plan = hf_plan(base_dir)
    with pytest.MonkeyPatch.context() as mp:
        seen = capture_saves(mp)
        assert run(plan, work, "sft") == 0
    return work, plan, train, seen


def nll_of_targets(model, tok, prompt, target, masked=True):
    """Mean NLL of the target tokens (+ EOS) of one row, computed with plain transformers."""
    p = tok(prompt)["input_ids"]
    t = tok(target, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
    ids = torch.tensor([p + t])
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), -1)
    lp = logp.gather(1, ids[0, 1:, None]).squeeze(1)
    return float(-(lp[len(p) - 1:] if masked else lp).mean())


# ----- SFT and the saved model --------------------------------------------------------------------

def test_sft_on_a_local_hf_model_learns_masks_the_prompt_and_saves_a_loadable_hf_directory(
        sft_run, base_dir, base_weights):
    work, plan, train, seen = sft_run
    stage = work / "run" / "sft"
    lines = read_jsonl(stage / "metrics.jsonl")
    assert [r["step"] for r in lines] == list(range(1, SFT_STEPS + 1))
    losses = [r["loss"] for r in lines]
    assert losses[-1] < losses[0] - 1.0, losses
    # Step 1's loss is the untrained model's NLL of the targets only, as plain transformers computes it.
    model = transformers.AutoModelForCausalLM.from_pretrained(str(base_dir)).eval()
    tok = transformers.AutoTokenizer.from_pretrained(str(base_dir))
    batch = [train[i] for i in Order(len(train), 7, True, "sft").take(0, 8)]   # step 1's rows (seed 7)
    masked = sum(nll_of_targets(model, tok, r["prompt"], r["answer"]) for r in batch) / 8
    unmasked = sum(nll_of_targets(model, tok, r["prompt"], r["answer"], masked=False) for r in batch) / 8
    assert losses[0] == pytest.approx(masked, abs=1e-4) and abs(masked - unmasked) > 1e-2
    # The output is a plain HF directory whose weights are the ones the worker trained.
    out = stage / "model"
    assert {"config.json", "model.safetensors", "tokenizer.json", "align_model.json"} <= {p.name for p in out.iterdir()}
    saved = F.load_weights(out)
    assert set(saved) == set(seen["state"]) == set(base_weights)
    assert all(torch.equal(saved[k], seen["state"][k]) for k in saved)
    assert all(saved[k].dtype == torch.float32 for k in saved)
    assert not torch.equal(saved["model.layers.0.self_attn.q_proj.weight"],
                           base_weights["model.layers.0.self_attn.q_proj.weight"])
    reloaded = transformers.AutoTokenizer.from_pretrained(str(out))
    assert reloaded("12+7=")["input_ids"] == tok("12+7=")["input_ids"]


def test_cgpo_continues_from_the_sft_hf_output_with_the_math_judge_and_an_hf_reward_model(
        sft_run, judge_server):
    """Two tasks: the math judge as reward and constraint, and a local HF reward model."""
    work, plan, _, _ = sft_run
    F.save_reward_model(work / "rm", seed=5)
    plan = json.loads(json.dumps(plan))
    plan["rewards"]["rm"] = {"from": {"type": "local", "path": "rm"}, "kind": "scalar", "baseline": {"type": "none"}}
    plan["tasks"]["scored"] = pb.task(["test"], "rm", [], pb.optimizer("crpg", generations=2, max_tokens=3,
                                                                       kl_max=2.0), batch_size=2)
    plan["stages"]["cgpo"]["tasks"].append({"task": "scored"})
    url = judge_server(plan)
    assert run(plan, work, "cgpo", url) == 0
    lines = read_jsonl(work / "run" / "cgpo" / "metrics.jsonl")
    assert [r["step"] for r in lines if r.get("task") is None] == [1, 2, 3]
    arith_lines = [r for r in lines if r.get("task") == "arith"]
    scored = [r for r in lines if r.get("task") == "scored"]
    assert [r["step"] for r in arith_lines] == [r["step"] for r in scored] == [1, 2, 3]
    for r in arith_lines:
        assert r["samples"] == 16 and set(r["feasible_rate_by_judge"]) == {"math"}
        assert 0.0 <= r["reward_raw_mean"] <= 1.0 and "kl_gate_zero_rate" in r
    for r in scored:                               # reward model scores: real-valued, all feasible
        assert r["samples"] == 4 and r["feasible_rate"] == 1.0 and r["reward_raw_mean"] not in (0.0, 1.0)
    # Step 1: the reference is the policy, so sampling-time log-probs (KV cache, left padding)
    # must equal the reference's teacher-forced ones.
    for r in (arith_lines[0], scored[0]):
        assert abs(r["log_ratio_min"]) < 1e-3 and abs(r["log_ratio_max"]) < 1e-3
    assert judge_server.app.requests >= 3
    final = F.load_weights(work / "run" / "cgpo" / "model")
    sft = F.load_weights(work / "run" / "sft" / "model")
    assert set(final) == set(sft) and any(not torch.equal(final[k], sft[k]) for k in final)


# ----- generation ---------------------------------------------------------------------------------

def test_generation_with_the_real_tokenizer_left_pads_stops_at_eos_and_logs_exact_logprobs(base_dir):
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)})
    lm = load_model(spec, 0, base_dir, base_dir, CPU, trainable=True)
    tok = lm.tokenizer
    short, long = tok.encode_prompt("1+1="), tok.encode_prompt("Q: What is 12+13=")
    answers = ["2", "the answer is 25"]
    targets = [tok.encode_response(a) for a in answers]
    assert len(short) < len(long) and len(targets[0]) < len(targets[1]) and targets[0][-1] == tok.eos_id
    opt = torch.optim.Adam(lm.module.parameters(), lr=1e-2)
    for _ in range(60):                            # teach it both answers, EOS included
        lp, _ = sequence_logprobs(lm, [short, long], targets)
        opt.zero_grad()
        (-lp.sum()).backward()
        opt.step()
    greedy = generate(lm, [long, short], [0, 0], 0.0, 1.0, 12)
    assert greedy.tokens == [targets[1], targets[0]] and greedy.finished == [True, True]
    assert [tok.decode(t) for t in greedy.tokens] == ["the answer is 25", "2"]
    cut = generate(lm, [long], [0], 0.0, 1.0, 2)
    assert cut.tokens == [targets[1][:2]] and cut.finished == [False]
    # A row's samples do not depend on the (left-padded) batch it shares.
    alone = generate(lm, [short] * 4, [1, 2, 3, 4], 1.5, 1.0, 6)
    mixed = generate(lm, [long, short] * 4, [9, 1, 9, 2, 9, 3, 9, 4], 1.5, 1.0, 6)
    assert mixed.tokens[1::2] == alone.tokens
    assert torch.allclose(mixed.logp[1::2], alone.logp, atol=1e-4)
    for toks, fin in zip(mixed.tokens, mixed.finished):
        assert fin == (toks[-1] == tok.eos_id) and tok.eos_id not in toks[:-1] and tok.pad_id not in toks
    # Sampling-time log-probs (KV cache) equal a teacher-forced pass, EOS included.
    with torch.no_grad():
        forced, n = sequence_logprobs(lm, [long, short] * 4, mixed.tokens)
    assert torch.allclose(forced, mixed.logp, atol=1e-4)
    assert n.tolist() == [len(t) for t in mixed.tokens]
    # The prompt is context, never a target.
    _, mask = token_logprobs(lm, [long], [targets[1]])
    assert mask[0].nonzero().flatten().tolist() == list(range(len(long) - 1, len(long) - 1 + len(targets[1])))


def test_hf_step_builds_a_kv_cache_only_for_generation_and_it_matches_the_full_forward(base_dir):
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)})
    lm = load_model(spec, 0, base_dir, base_dir, CPU, trainable=False)
    ids = torch.tensor([lm.tokenizer.encode_prompt("Q: What is 12+13= the answer is 25")])
    mask, pos = torch.ones_like(ids), torch.arange(ids.shape[1])[None]
    with torch.no_grad():
        full, none = lm.step(ids, mask, pos)          # teacher-forced scoring keeps no cache
        logits, past = lm.step(ids[:, :5], mask[:, :5], pos[:, :5], cache=True)
        steps = [logits[:, -1]]
        for t in range(5, ids.shape[1]):
            logits, past = lm.step(ids[:, t:t + 1], mask[:, :t + 1], pos[:, t:t + 1], past)
            steps.append(logits[:, -1])
    assert none is None and past is not None
    assert torch.allclose(torch.stack(steps[:-1], 1), full[:, 4:-1], atol=1e-5)


def test_hf_models_load_in_the_declared_dtype_and_need_an_eos_token(base_dir, tmp_path):
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)}, dtype="bf16")
    frozen = hf.load_hf_causal_lm(str(base_dir), None, spec, CPU, trainable=False)
    assert {p.dtype for p in frozen.module.parameters()} == {torch.bfloat16}
    trained = hf.load_hf_causal_lm(str(base_dir), None, spec, CPU, trainable=True)
    assert {p.dtype for p in trained.module.parameters()} == {torch.float32}    # fp32 master weights
    no_eos = tmp_path / "no-eos"
    no_eos.mkdir()
    for f in base_dir.iterdir():
        (no_eos / f.name).write_bytes(f.read_bytes())
    cfg = json.loads((no_eos / "tokenizer_config.json").read_text())
    cfg.pop("eos_token")
    (no_eos / "tokenizer_config.json").write_text(json.dumps(cfg))
    with pytest.raises(UserError, match=r"^/models/tiny: the tokenizer of .* has no EOS token"):
        hf.load_hf_causal_lm(str(no_eos), None, spec, CPU, trainable=True)


def test_bf16_models_keep_their_rotary_frequencies_in_fp32(base_dir):
    from align_worker.models import frozen_copy
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)}, dtype="bf16")
    policy = load_model(spec, 0, base_dir, base_dir, CPU, trainable=True)
    reference = load_model(spec, 0, base_dir, base_dir, CPU, trainable=False)
    copied = frozen_copy(policy, dtype=torch.bfloat16)

    def rope(lm):
        return {n: b for n, b in lm.module.named_buffers() if n.endswith("inv_freq")}
    assert rope(policy)
    for lm in (reference, copied):
        assert {p.dtype for p in lm.module.parameters()} == {torch.bfloat16}
        for name, buf in rope(lm).items():
            assert buf.dtype == torch.float32 and torch.equal(buf, rope(policy)[name]), name


def test_crpg_moves_a_torn_hf_policy_to_the_rewarded_answer(base_dir):
    from test_learning import assert_crpg_moves_a_torn_policy
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)}, dtype="fp32")
    torch.manual_seed(0)
    assert_crpg_moves_a_torn_policy(load_model(spec, 0, base_dir, base_dir, CPU, trainable=True))


# ----- reward models ------------------------------------------------------------------------------

@pytest.mark.parametrize("padding_side, pad_in_config", [("right", True), ("left", True), ("right", False)])
def test_hf_sequence_classification_reward_model_scores(tmp_path, padding_side, pad_in_config):
    F.save_reward_model(tmp_path / "rm", seed=3, padding_side=padding_side, pad_in_config=pad_in_config)
    score = load_reward_model({"type": "local", "path": "rm"}, "rm", 0, tmp_path, CPU)
    prompts = ["1+1=", "Q: What is 12+13=", "3+4="]
    responses = ["2", "the answer is 25", "hello world, the answer is 7"]
    s = score(prompts, responses)
    assert s.shape == (3,) and s.dtype == torch.float32 and torch.isfinite(s).all()
    assert torch.equal(s, score(prompts, responses))
    alone = torch.cat([score([p], [r]) for p, r in zip(prompts, responses)])
    assert torch.allclose(s, alone, atol=1e-5), (s, alone)
    other = score(prompts, ["3", "the answer is 26", "hello world, the answer is 8"])
    assert (other - s).abs().min() > 1e-6


def test_a_reward_path_that_is_not_a_model_directory_is_a_user_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match=r"^/rewards/rm/from: .*empty is not a model directory"):
        load_reward_model({"type": "local", "path": "empty"}, "rm", 0, tmp_path, CPU)
    with pytest.raises(UserError, match=r"^/rewards/rm/from: model directory .*nowhere does not exist"):
        load_reward_model({"type": "local", "path": "nowhere"}, "rm", 0, tmp_path, CPU)


# ----- LoRA ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("where, gradient_checkpointing", [("model", False), ("stage", True)])
def test_lora_trains_only_the_adapter_and_saves_a_merged_plain_model(
        workspace, monkeypatch, base_dir, base_weights, where, gradient_checkpointing):
    pytest.importorskip("peft")
    plan = hf_plan(base_dir, LORA if where == "model" else None, gradient_checkpointing)
    if where == "stage":
        plan["stages"]["sft"]["lora"] = dict(LORA)
    seen = capture_saves(monkeypatch)
    assert run(plan, workspace, "sft") == 0
    assert seen["trainable"] and all("lora_" in n for n in seen["trainable"])
    assert seen["checkpointing"] == gradient_checkpointing
    state = seen["state"]
    lora = {k: v for k, v in state.items() if "lora_" in k}
    assert lora and all(v.abs().max() > 0 for k, v in lora.items() if "lora_B" in k)   # B starts at 0
    prefix = "base_model.model."
    base = {k[len(prefix):].replace(".base_layer", ""): v for k, v in state.items() if "lora_" not in k}
    assert set(base) == set(base_weights)
    assert all(torch.equal(base[k], base_weights[k]) for k in base)      # frozen bit for bit
    out = workspace / "run" / "sft" / "model"
    assert not (out / "adapter_config.json").exists() and not (out / "adapter_model.safetensors").exists()
    saved = F.load_weights(out)
    assert set(saved) == set(base_weights)
    scale = LORA["alpha"] / LORA["rank"]
    for k, w0 in base_weights.items():
        name = k.rsplit(".", 1)[0]
        if name.split(".")[-1] in LORA["targets"]:
            a = state[f"{prefix}{name}.lora_A.default.weight"]
            b = state[f"{prefix}{name}.lora_B.default.weight"]
            assert not torch.equal(saved[k], w0)
            assert torch.allclose(saved[k], w0 + scale * b @ a, atol=1e-6), k
        else:
            assert torch.equal(saved[k], w0), k


def test_lora_merged_from_a_gathered_state_dict_equals_peft_merge(base_dir, tmp_path):
    """FSDP hands save_hf the full state dict (peft names, unmerged); the merge must match peft's."""
    pytest.importorskip("peft")
    spec = ModelSpec("/models/tiny", "tiny", {"type": "local", "path": str(base_dir)}, lora=dict(LORA))
    lm = load_model(spec, 0, base_dir, base_dir, CPU, trainable=True)
    torch.manual_seed(0)
    with torch.no_grad():
        for name, p in lm.module.named_parameters():
            if "lora_B" in name:
                p.normal_(std=0.1)                           # as if trained
    gathered = {k: v.clone() for k, v in lm.module.state_dict().items()}
    hf.save_hf(lm, tmp_path / "from-dict", gathered)
    hf.save_hf(lm, tmp_path / "peft-merge", None)
    a, b = F.load_weights(tmp_path / "from-dict"), F.load_weights(tmp_path / "peft-merge")
    assert set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.skipif(tuple(int(x) for x in torch.__version__.split(".")[:2]) < (2, 1),
                    reason="FSDP on CPU needs torch >= 2.1")
def test_fsdp_two_ranks_save_the_lora_model_merged_like_one_rank(workspace, base_dir):
    pytest.importorskip("peft")
    plan = hf_plan(base_dir, LORA)
    plan["stages"]["sft"]["epochs"] = 1
    plan["cluster"]["sharding"] = "fsdp"
    assert run(plan, workspace, "sft", run_dir="one") == 0
    path = pb.write(plan, workspace / "plan-fsdp.json")
    results = spawn_ranks(path, [workspace / "two"] * 2, stage="sft")
    assert [code for code, _ in results] == [0, 0], [err[-2000:] for _, err in results]
    one, two = F.load_weights(workspace / "one" / "sft" / "model"), F.load_weights(workspace / "two" / "sft" / "model")
    assert set(one) == set(two)
    assert all(torch.allclose(one[k], two[k], atol=1e-5) for k in one)


# ----- user errors --------------------------------------------------------------------------------

def one_line_error(plan, tmp_path, stage="sft"):
    path = pb.write(plan, tmp_path / "plan.json")
    r = run_cli(["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp_path / "run"), "--cpu"])
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align-worker: error: "), r.stderr
    return lines[0]


def test_a_local_path_that_is_not_a_model_directory_is_a_one_line_error(workspace):
    (workspace / "notes").mkdir()
    (workspace / "notes" / "README.txt").write_text("not a model\n")
    plan = arith_plan()
    plan["models"]["tiny"] = hf_model("notes")
    line = one_line_error(plan, workspace)
    assert "/stages/sft/model" in line and "notes" in line and "not a model directory" in line
    plan["models"]["tiny"] = hf_model("missing")
    assert "does not exist" in one_line_error(plan, workspace)


def test_a_hf_directory_without_weights_is_a_one_line_error(workspace, base_dir):
    (workspace / "partial").mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (workspace / "partial" / name).write_bytes((base_dir / name).read_bytes())
    plan = arith_plan()
    plan["models"]["tiny"] = hf_model("partial")
    line = one_line_error(plan, workspace)
    assert "/stages/sft/model: cannot load Hugging Face model" in line and "partial" in line


def test_lora_on_a_builtin_model_is_a_one_line_error(workspace):
    plan = arith_plan()
    plan["models"]["tiny"]["lora"] = dict(LORA)
    line = one_line_error(plan, workspace)
    assert "/stages/sft/model" in line and "lora" in line and "builtin" in line


def test_stderr_carries_only_the_workers_progress_lines(workspace, base_dir):
    """transformers' tqdm bars (loading, writing weights) would interleave with ours."""
    plan = hf_plan(base_dir)
    plan["stages"]["sft"]["epochs"] = 1
    path = pb.write(plan, workspace / "plan.json")
    r = run_cli(["run", "--plan", str(path), "--stage", "sft", "--run-dir", str(workspace / "run"), "--cpu"],
                env_extra={"PYTHONWARNINGS": "ignore"})
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines and all(ln.startswith(("[sft] step ", "[sft] done in ")) for ln in lines), r.stderr
