"""Rollout throughput of an FSDP policy on 2 gloo ranks on CPU, the three ways a phase can
decode (replica.RolloutWeights): a replicated copy gathered once per phase, a copy split
tensor-parallel over the 2 ranks (one node), and the FSDP shards (one all-gather per token step).

    .venv-worker/bin/python bench/worker/rollout_fsdp.py [--layers 4 --hidden 256 --prompts 2 --k 4 --max-tokens 32]

A random-initialised Llama built from a config (nothing downloaded) is saved, then both ranks
(tests/rollout_ranks.py) sample the same rows all three ways in the same run, alternating, best
of --repeat. tokens/s counts the tokens each rank gets back (a tensor-parallel group decodes
both ranks' rows together). Prints one JSON line: the rates, their ratios, the all-gathers of
the gathered and per-token paths, and whether all three sampled the same tokens. On CPU a
collective is a memory copy between two local processes; on GPUs across nodes the per-token
path pays the network per token, so its ratios here are a floor. The tensor-parallel path pays
two all-reduces per layer per token (within a node: NVLink on GPUs, shared memory here).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "runtime" / "worker"
sys.path[:0] = [str(WORKER), str(WORKER / "tests")]

import hf_fixtures as F  # noqa: E402
from conftest import free_port  # noqa: E402


def save_model(out: Path, layers: int, hidden: int) -> Path:
    import transformers
    tok = F.build_tokenizer()
    cfg = F.llama_config(tok, layers=layers, hidden=hidden, context=512)
    # key/value heads: at least 2, so that a split over the 2 ranks keeps whole heads
    cfg.num_attention_heads, cfg.num_key_value_heads = max(2, hidden // 64), max(2, hidden // 256)
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(cfg).save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


def run_ranks(model: Path, args) -> dict:
    port, procs = str(free_port()), []
    modes = ",".join(["shards", "gather", "tp"] * args.repeat)
    for rank in range(2):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE="2", LOCAL_WORLD_SIZE="2")
        procs.append(subprocess.Popen([sys.executable, str(WORKER / "tests" / "rollout_ranks.py"), str(model),
                                       modes, str(args.max_tokens), str(args.prompts), str(args.k), "1.0"],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=1800) for p in procs]
    for p, (_, err) in zip(procs, outs):
        if p.returncode != 0:
            sys.exit(err[-3000:])
    return json.loads(outs[0][0].strip().splitlines()[-1])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--prompts", type=int, default=2)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_ranks(save_model(Path(tmp) / "llama", args.layers, args.hidden), args)
    # runs alternate (shards, gather, tp, shards, ...) so all see the same machine load; best of each
    n = str(args.max_tokens)
    shards, gather, tp = report["shards"][n], report["gather"][n], report["tp"][n]
    rate = {m: r["generated"] / r["seconds"] for m, r in (("shards", shards), ("gather", gather), ("tp", tp))}
    print(json.dumps({"torch": torch.__version__, "layers": args.layers, "hidden": args.hidden,
                      "rows": args.prompts * args.k, "max_tokens": args.max_tokens,
                      "per_token_tokens_per_s": round(rate["shards"], 1),
                      "gather_once_tokens_per_s": round(rate["gather"], 1),
                      "tensor_parallel_tokens_per_s": round(rate["tp"], 1),
                      "ratio": round(rate["gather"] / rate["shards"], 2),
                      "tp_over_per_token": round(rate["tp"] / rate["shards"], 2),
                      "tp_over_gather_once": round(rate["tp"] / rate["gather"], 2),
                      "gathers_per_token_path": sum(v for k, v in shards["calls"].items() if "gather" in k),
                      "gathers_gather_once": sum(v for k, v in gather["calls"].items() if "gather" in k),
                      "tp_bytes_per_rank_over_copy": round(tp["param_bytes"] / gather["param_bytes"], 3),
                      "same_tokens": shards["tokens"] == gather["tokens"] == tp["tokens"]}))
