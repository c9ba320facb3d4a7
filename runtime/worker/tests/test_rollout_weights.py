"""Rollouts of an FSDP policy gather its weights once per phase (replica.py), on 2 gloo ranks:
the collectives a phase issues do not grow with the tokens it generates, and the tokens are
the ones decoding through the shards gives.

Runs under a torch with FSDP on CPU and transformers (the .venv-worker CI builds); skipped elsewhere.
"""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker.distributed import cpu_fsdp_supported  # noqa: E402
from conftest import WORKER, free_port  # noqa: E402

pytestmark = pytest.mark.skipif(not cpu_fsdp_supported(), reason="FSDP on CPU needs torch >= 2.1")


def rollout_on_two_ranks(source, modes, lengths, *extra):
    """tests/rollout_ranks.py on 2 gloo ranks: [(report, stderr)] in rank order."""
    port, procs = str(free_port()), []
    for rank in range(2):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE="2")
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
    for report, _ in rollout_on_two_ranks(source, ["shards", "auto"], [4, 12], 2, 3, temperature, lora):
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
    (first, err), (second, _) = rollout_on_two_ranks(source, ["auto-nomem", "shards"], [4, 12])
    for report in (first, second):
        tight, shards = report["auto-nomem"], report["shards"]
        assert gathers(tight["12"]["calls"]) == gathers(shards["12"]["calls"]) > 2 * gathers(tight["4"]["calls"])
        assert tight["12"]["tokens"] == shards["12"]["tokens"]
    assert err.count("rollouts decode through the FSDP shards of the policy, one all-gather of the model per token") == 2, err
    assert "the tightest rank has 0.0 MiB free (tensor-parallel rollouts are not built)" in err
