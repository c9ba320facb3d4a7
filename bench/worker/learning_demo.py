"""Learning, not just running: SFT then CRPG on the built-in model, judged by a math-answer judge.

Runs the real CLI (`python -m align_worker run ...`) stage by stage against a loopback judge
server that speaks the documented HTTP contract, and prints the held-out pass rates:

    /usr/bin/python3 bench/worker/learning_demo.py            # ~3 minutes on 2 CPU cores
    /usr/bin/python3 bench/worker/learning_demo.py --quick    # the test's smaller version

SFT imitates noisy demonstrations (for every problem one right and one wrong answer), so
imitation alone reaches about half right; CRPG then uses the judge's verdicts to prefer the
right answers. Pass rate = fraction of sampled answers (temperature 1, 4 samples per held-out prompt) that the
judge marks satisfied; greedy = temperature 0, one answer per prompt.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict

WORKER = Path(__file__).resolve().parents[2] / "runtime" / "worker"
sys.path.insert(0, str(WORKER))

from align_worker import arith, planbuild as pb  # noqa: E402
from align_worker.devserver import JudgeApp, serve  # noqa: E402

FULL = {"max_operand": 14, "n_test": 45, "sft_epochs": 20, "sft_lr": 3e-3, "crpg_steps": 60,
        "crpg_lr": 1e-3, "crpg_warmup": 5, "batch": 16, "k": 8, "width": 64, "layers": 2}
QUICK = {"max_operand": 9, "n_test": 20, "sft_epochs": 30, "sft_lr": 3e-3, "crpg_steps": 30,
         "crpg_lr": 1e-3, "crpg_warmup": 3, "batch": 16, "k": 8, "width": 64, "layers": 2}


def build(cfg: Dict[str, Any], seed: int) -> Dict[str, Any]:
    model = pb.builtin_model(layers=cfg["layers"], width=cfg["width"], heads=4, context=32)
    fields = {"prompt": "prompt", "answer": "answer", "response": "response"}
    opt = pb.optimizer("crpg", generations=cfg["k"], temperature=1.0, max_tokens=4,
                       kl_max=cfg.get("kl_max", 4.0))
    evals = {f"eval_{name}_{mode}": pb.eval_stage({"stage": name}, ["arith", "heldout"], samples=s,
                                                  temperature=t, max_tokens=4)
             for name in ("sft", "cgpo") for mode, s, t in (("sampled", 4, 1.0), ("greedy", 1, 0.0))}
    return pb.plan(
        seed=seed, models={"tiny": model}, rewards={"correct": pb.judge_reward("math")},
        datasets={"demos": pb.jsonl_dataset("demos.jsonl", fields),
                  "train": pb.jsonl_dataset("train.jsonl", fields),
                  "test": pb.jsonl_dataset("test.jsonl", fields, shuffle=False)},
        judges={"math": pb.math_judge()},
        tasks={"arith": pb.task(["train"], "correct", ["math"], opt, batch_size=cfg["batch"]),
               "heldout": pb.task(["test"], "correct", ["math"], opt, batch_size=cfg["batch"])},
        stages={"sft": pb.sft_stage({"model": "tiny"}, [{"dataset": "demos"}], epochs=cfg["sft_epochs"],
                                    lr=cfg["sft_lr"], batch_size=16, warmup=5, schedule="cosine",
                                    checkpoint_every=0),
                "cgpo": pb.cgpo_stage({"stage": "sft"}, ["arith"], steps=cfg["crpg_steps"],
                                      lr=cfg["crpg_lr"], schedule="constant", checkpoint_every=0,
                                      warmup=cfg.get("crpg_warmup", 0)),
                **evals})


def run_stage(plan: Path, stage: str, run_dir: Path, url: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(WORKER))
    cmd = [sys.executable, "-m", "align_worker", "run", "--plan", str(plan), "--stage", stage,
           "--run-dir", str(run_dir), "--judge-url", url, "--cpu"]
    subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL if stage.startswith("eval") else None)


def pass_rate(run_dir: Path, stage: str, task: str = "heldout") -> float:
    report = json.loads((run_dir / stage / "report.json").read_text())
    return report["tasks"][task]["pass_rate_by_judge"]["math"]


def demo(quick: bool, seed: int, work: Path) -> Dict[str, float]:
    cfg = QUICK if quick else FULL
    pairs = arith.problems(cfg["max_operand"])
    import random
    random.Random(0).shuffle(pairs)
    train, test = pairs[cfg["n_test"]:], pairs[:cfg["n_test"]]
    arith.write_jsonl(arith.noisy_rows(train), work / "demos.jsonl")
    arith.write_jsonl(arith.rows(train), work / "train.jsonl")
    test = arith.rows(test)
    arith.write_jsonl(test, work / "test.jsonl")
    plan_obj = build(cfg, seed)
    plan = pb.write(plan_obj, work / "plan.json")
    server = serve(JudgeApp(plan_obj))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    run_dir = work / "run"
    t0 = time.time()
    try:
        for stage in ("sft", "eval_sft_sampled", "eval_sft_greedy", "cgpo", "eval_cgpo_sampled",
                      "eval_cgpo_greedy"):
            run_stage(plan, stage, run_dir, url)
    finally:
        server.shutdown()
    out = {f"{key}_{task}": pass_rate(run_dir, f"eval_{key}", task) for task in ("arith", "heldout")
           for key in ("sft_sampled", "sft_greedy", "cgpo_sampled", "cgpo_greedy")}
    out["seconds"] = time.time() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = demo(args.quick, args.seed, Path(tmp))
    for task, label in (("arith", "RL prompts"), ("heldout", "held-out problems")):
        print(f"math-judge pass rate on {label}:")
        print(f"  after SFT : sampled {r['sft_sampled_' + task]:.3f}  greedy {r['sft_greedy_' + task]:.3f}")
        print(f"  after CRPG: sampled {r['cgpo_sampled_' + task]:.3f}  greedy {r['cgpo_greedy_' + task]:.3f}")
    print(f"  wall time {r['seconds']:.0f}s")


if __name__ == "__main__":
    main()
