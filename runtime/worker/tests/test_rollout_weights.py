"""Rollouts of an FSDP policy gather its weights once per phase (replica.py), on 2 gloo ranks:
the collectives a phase issues do not grow with the tokens it generates, and the tokens are
the ones decoding through the shards gives.

Runs under a torch with FSDP on CPU and transformers (the .venv-worker CI builds); skipped elsewhere.
"""

import json
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker.distributed import cpu_fsdp_supported  # noqa: E402
from conftest import WORKER, free_port  # noqa: E402

pytestmark = pytest.mark.skipif(not cpu_fsdp_supported(), reason="FSDP on CPU needs torch >= 2.1")


def rollout_on_ranks(source, modes, lengths, *extra, world=2, per_node=None):
    """tests/rollout_ranks.py on `world` gloo ranks, `per_node` of them per node (LOCAL_WORLD_SIZE;
    default: all): [(report, stderr)] in rank order."""
    port, procs = str(free_port()), []
    for rank in range(world):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE=str(world), LOCAL_WORLD_SIZE=str(per_node or world))
        procs.append(subprocess.Popen([sys.executable, str(WORKER / "tests" / "rollout_ranks.py"), str(source),
                                       ",".join(modes), ",".join(map(str, lengths)), *map(str, extra)],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-3000:]
        out.append((json.loads(stdout.strip().splitlines()[-1]), stderr))
    return out


def gathers(calls):
    return sum(n for name, n in calls.items() if "gather" in name)


@pytest.mark.parametrize("policy, temperature, lora", [("hf", 0.0, ""), ("hf", 1.0, "lora"), ("builtin", 1.0, ""),
                                                     ("frozen", 0.0, "")])
def test_a_rollout_phase_gathers_the_fsdp_policy_once_whatever_it_generates(tmp_path, policy, temperature, lora):
    """2 prompts x 3 samples, 4 then 12 tokens per row, a Llama (greedy), the Llama with LoRA
    adapters that change it (sampled: merged into the copy), the built-in model (sampled), and
    a frozen Llama sharded with FSDP2 (greedy: the `generated(model)` baseline's generation)."""
    source = "builtin" if policy == "builtin" else F.save_causal_lm(tmp_path / "llama", seed=2, layers=2)
    source = f"frozen:{source}" if policy == "frozen" else source
    for report, _ in rollout_on_ranks(source, ["shards", "auto"], [4, 12], 2, 3, temperature, lora):
        shards, once = report["shards"], report["auto"]
        # Decoding through the shards gathers every unit in every token step (the former path) ...
        assert gathers(shards["12"]["calls"]) > 2 * gathers(shards["4"]["calls"])
        # ... the phase gathers each unit at most once (decoder layers or blocks, untied embeddings;
        # FSDP keeps the root's own few parameters gathered after a forward), plus one all-reduce
        # agreeing that the copy fits on every rank.
        assert once["4"]["calls"] == once["12"]["calls"]
        assert 2 <= gathers(once["12"]["calls"]) <= report["units"] and once["12"]["calls"].get("all_reduce") == 1, once["12"]["calls"]
        for n in ("4", "12"):
            assert once[n]["generated"] == 2 * 3 * int(n)
            assert once[n]["tokens"] == shards[n]["tokens"], (report["rank"], n)


def test_without_the_memory_for_a_copy_a_phase_decodes_through_the_shards_and_says_so(tmp_path):
    source = F.save_causal_lm(tmp_path / "llama", seed=2, layers=2)
    (first, err), (second, _) = rollout_on_ranks(source, ["auto-nomem", "shards"], [4, 12])
    for report in (first, second):
        tight, shards = report["auto-nomem"], report["shards"]
        assert gathers(tight["12"]["calls"]) == gathers(shards["12"]["calls"]) > 2 * gathers(tight["4"]["calls"])
        assert tight["12"]["tokens"] == shards["12"]["tokens"]
    assert err.count("rollouts decode through the FSDP shards of the policy, one all-gather of the model per token") == 2, err
    assert "the tightest rank has 0.0 MiB free; tensor-parallel over 2 ranks needs" in err


def split_bytes(model_dir, tp):
    """(Parameter bytes one rank of a tensor-parallel group of `tp` should hold, the whole
    model's), read from the saved weights: norms whole, every projection and lm_head split; the
    input embedding whole, except when tied (absent lm_head in the file): then transformers'
    plan splits it along the vocabulary too, and lm_head is a slice of its own."""
    from safetensors.torch import load_file
    weights = load_file(str(model_dir / "model.safetensors"))
    tied = "lm_head.weight" not in weights
    embedding = weights["model.embed_tokens.weight"].numel() * 4
    whole = sum(t.numel() * 4 for n, t in weights.items() if "norm" in n) + (0 if tied else embedding)
    split = sum(t.numel() * 4 for n, t in weights.items()) - whole
    return whole + (split + (embedding if tied else 0)) // tp, whole + split


@pytest.mark.parametrize("temperature, lora", [(0.0, ""), (1.0, "lora")])
def test_a_tensor_parallel_copy_decodes_the_replicated_copys_tokens_holding_half_of_it(tmp_path, temperature, lora):
    """2 ranks of one node, a Llama with grouped-query attention (4 heads, 2 key/value heads);
    greedy (also against decoding the saved model without FSDP), and sampled with LoRA adapters
    merged and tied embeddings (transformers' plan then splits the input embedding too). `auto-tp2`: free
    memory injected below the replicated copy's need, above a split's."""
    source = F.save_causal_lm(tmp_path / "llama", seed=2, layers=2, hidden=64, heads=4, kv_heads=2,
                              tie_word_embeddings=bool(lora))
    modes = ["gather", "tp", "auto-tp2", "auto-nomem"] + (["plain"] if not lora else [])
    reports = rollout_on_ranks(source, modes, [6], 2, 3, temperature, lora)
    per_rank, copy = split_bytes(source, 2)
    for report, _ in reports:
        runs = {m: report[m]["6"] for m in modes}
        assert [runs[m].get("kind") for m in ("gather", "tp", "auto-tp2", "auto-nomem")] == ["gather", "tp", "tp", "shards"]
        for m in ["tp", "auto-tp2", "auto-nomem"] + (["plain"] if not lora else []):
            assert runs[m]["tokens"] == runs["gather"]["tokens"], (report["rank"], m)
            assert runs[m]["logp"] == pytest.approx(runs["gather"]["logp"], abs=1e-4)
        # Each rank holds its slice of every projection and of lm_head, embeddings and norms whole.
        assert report["copy_bytes"] == runs["gather"]["param_bytes"] == copy
        assert runs["tp"]["param_bytes"] == runs["auto-tp2"]["param_bytes"] == per_rank < 0.65 * copy
    # Both ranks decoded both ranks' rows, the same tokens, which are each rank's own rows as
    # the replicated copy decodes them.
    both = [t for report, _ in reports for t in report["gather"]["6"]["tokens"]]
    assert [r["tp"]["6"]["group_tokens"] for r, _ in reports] == [both, both]
    err, mib = reports[0][1], r"\d+\.\d MiB"
    assert re.search(f"rollouts gather the policy once per phase, tensor-parallel over 2 ranks of a node: each holds "
                     f"{mib} of a float32 copy of {mib}, {mib} with a gathered unit and the KV cache; on every rank it "
                     f"would need {mib} and the tightest rank has {mib} free\n", err), err
    assert re.search(f"the tightest rank has 0.0 MiB free; tensor-parallel over 2 ranks needs {mib} per rank\n", err), err


def test_on_four_ranks_auto_splits_over_the_fewest_ranks_that_fit_and_groups_sample_alike(tmp_path):
    """4 ranks of one node, sampled: free memory for a split over 2 ranks gives two groups of 2;
    free memory only for a split over 4 gives one group of 4; both decode the rows the
    replicated copy does."""
    source = F.save_causal_lm(tmp_path / "llama", seed=3, layers=2, hidden=64, heads=4, kv_heads=4)
    reports = rollout_on_ranks(source, ["gather", "auto-tp2", "auto-tp4"], [5], 1, 2, 1.0, world=4)
    gathered = [r["gather"]["5"]["tokens"] for r, _ in reports]
    for mode, tp in (("auto-tp2", 2), ("auto-tp4", 4)):
        per_rank, _ = split_bytes(source, tp)
        for rank, (report, _) in enumerate(reports):
            run = report[mode]["5"]
            assert run["kind"] == "tp" and run["param_bytes"] == per_rank
            assert run["tokens"] == gathered[rank]
            first = rank - rank % tp                # the group: tp consecutive ranks
            assert run["group_tokens"] == [t for g in gathered[first:first + tp] for t in g], (mode, rank)
    err = reports[0][1]
    assert "tensor-parallel over 2 ranks of a node" in err and "tensor-parallel over 4 ranks of a node" in err


def test_models_without_a_tensor_parallel_plan_or_divisible_heads_refuse_it_in_one_line(tmp_path):
    import transformers
    from align_worker.model_builtin import BuiltinConfig, TinyLM
    from align_worker.tensor_parallel import local_bytes, refusal
    assert refusal(TinyLM(BuiltinConfig(1, 32, 2, 32)), 2) == \
        "the built-in model has no tensor-parallel plan (it is tiny by design)"
    cfg = F.llama_config(F.build_tokenizer(), hidden=64, heads=4, kv_heads=2)
    llama = transformers.LlamaForCausalLM(cfg)
    assert refusal(llama, 2) is None
    assert refusal(llama, 4) == "4 attention and 2 key/value heads do not divide over 4 ranks"
    cfg.vocab_size = 321
    assert refusal(transformers.LlamaForCausalLM(cfg), 2) == "lm_head.weight (321 along the split) does not divide over 2 ranks"
    whole = sum(p.numel() * 4 for n, p in llama.named_parameters() if "embed" in n or "norm" in n)
    assert local_bytes(llama, 2) == whole + (sum(p.numel() * 4 for p in llama.parameters()) - whole) // 2
