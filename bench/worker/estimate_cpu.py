"""The compiler's memory estimate against the worker's measured peak memory, on CPU.

    npm run build && .venv-worker/bin/python bench/worker/estimate_cpu.py [--sizes 256,512,768]

For each width, a recipe with a built-in model (8 layers, context 128) and one SFT stage is
compiled with `align plan --json` (the estimate's per-process bytes), then the worker runs two
steps of that stage on one CPU process and reports its peak resident memory. The baseline is
the same stage on a 1-layer width-32 model in the same run: Python, torch and the worker's own
code, which the estimate does not count. Prints one JSON line per size: estimate, measured
(peak − baseline) and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RECIPE = """recipe est {{ seed = 1 }}
model m {{ from = builtin(layers = {layers}, width = {width}, heads = 4, context = 128) }}
dataset d = jsonl("d.jsonl") {{ prompt = "prompt"  target = "target" }}
stage s = sft {{ model = m  data = [d]  epochs = 1  batch_size = 8  max_length = 128 }}
"""


def measure(work: Path, layers: int, width: int) -> tuple:
    d = work / f"w{width}-l{layers}"
    d.mkdir()
    (d / "recipe.align").write_text(RECIPE.format(layers=layers, width=width))
    with (d / "d.jsonl").open("w") as f:
        for i in range(16):                       # two steps of 8 rows, ~120 tokens each
            f.write(json.dumps({"prompt": "q" * 60 + str(i), "target": "a" * 58}) + "\n")
    plan = subprocess.run(["node", str(ROOT / "bin" / "align.js"), "plan", str(d / "recipe.align"), "--json"],
                          capture_output=True, text=True, check=True).stdout
    (d / "plan.json").write_text(plan)
    estimate = json.loads(plan)["estimates"]["s"]["per_gpu_bytes"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "runtime" / "worker"), OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, "-m", "align_worker", "run", "--plan", str(d / "plan.json"), "--stage", "s",
                    "--run-dir", str(d / "run"), "--cpu"], env=env, check=True, capture_output=True)
    metrics = [json.loads(line) for line in (d / "run" / "s" / "metrics.jsonl").read_text().splitlines()]
    return estimate, max(m["peak_memory_bytes"] for m in metrics)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="256,512,768")
    ap.add_argument("--layers", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _, baseline = measure(work, 1, 32)
        for width in (int(w) for w in args.sizes.split(",")):
            estimate, peak = measure(work, args.layers, width)
            measured = peak - baseline
            print(json.dumps({"layers": args.layers, "width": width, "estimate_mib": round(estimate / 2**20, 1),
                              "measured_mib": round(measured / 2**20, 1), "baseline_mib": round(baseline / 2**20, 1),
                              "estimate_over_measured": round(estimate / measured, 3)}), flush=True)
