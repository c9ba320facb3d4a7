"""Learning, not just running: SFT then CRPG on the built-in model, judged by a math-answer judge.

Runs the real CLI (`python -m align_worker run ...`) stage by stage against a loopback judge
server that speaks the documented HTTP contract, and prints a before/after table of math-judge
pass rates on the prompts CRPG trained on and on held-out problems, sampled and greedy:

    /usr/bin/python3 bench/worker/learning_demo.py            # ~2 CPU-minutes (one core)
    /usr/bin/python3 bench/worker/learning_demo.py --quick    # the test's smaller version

SFT imitates slipped demonstrations: every problem appears twice, once with the right sum and
once with the sum plus one (`arith.slip_rows`). The SFT model learns addition *and* the slip, so
on every problem it is torn between the right answer and the slipped one. CRPG (math judge as
reward and constraint) then moves that mass to the right answer: sampled and greedy pass rates
rise on the RL prompts, and on held-out problems because the slip is one shared habit.
`--demos noisy` uses the older demonstrations (a random wrong answer, off by 1-3, per problem),
which the tiny model cannot fit: its answers stay spread over many neighbours and CRPG has no
clear right-vs-wrong choice to make (see docs/worker.md, "Learning").

Pass rate = fraction of answers the judge marks satisfied: sampled = temperature 1, 4 samples
per prompt; greedy = temperature 0, one answer per prompt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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

FULL = {"max_operand": 14, "n_test": 45, "sft_epochs": 20, "sft_lr": 3e-3, "crpg_steps": 120,
        "crpg_lr": 3e-4, "crpg_warmup": 5, "batch": 16, "k": 8, "width": 64, "layers": 2,
        "demos": "slip"}
QUICK = {"max_operand": 9, "n_test": 20, "sft_epochs": 30, "sft_lr": 3e-3, "crpg_steps": 40,
         "crpg_lr": 5e-4, "crpg_warmup": 3, "batch": 16, "k": 8, "width": 64, "layers": 2,
         "demos": "slip"}


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


def run_stage(plan: Path, stage: str, run_dir: Path, url: str, verbose: bool = False) -> None:
    env = dict(os.environ, PYTHONPATH=str(WORKER))
    cmd = [sys.executable, "-m", "align_worker", "run", "--plan", str(plan), "--stage", stage,
           "--run-dir", str(run_dir), "--judge-url", url, "--cpu"]
    quiet = stage.startswith("eval") or not verbose
    subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL if quiet else None)


def pass_rate(run_dir: Path, stage: str, task: str = "heldout") -> float:
    report = json.loads((run_dir / stage / "report.json").read_text())
    return report["tasks"][task]["pass_rate_by_judge"]["math"]


def config(quick: bool, **overrides: Any) -> Dict[str, Any]:
    cfg = dict(QUICK if quick else FULL)
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    return cfg


def demo(quick: bool, seed: int, work: Path, verbose: bool = False, **overrides: Any) -> Dict[str, float]:
    """Write the data and plan, run sft → eval → cgpo → eval, return the pass rates.

    Keys: `{sft,cgpo}_{sampled,greedy}_{arith,heldout}` (arith = the RL prompts), `seconds`
    (wall) and `cpu_seconds` (user + system time of the stage processes).
    """
    cfg = config(quick, **overrides)
    pairs = arith.problems(cfg["max_operand"])
    random.Random(0).shuffle(pairs)
    train, test = pairs[cfg["n_test"]:], pairs[:cfg["n_test"]]
    demos = arith.slip_rows(train) if cfg["demos"] == "slip" else arith.noisy_rows(train)
    arith.write_jsonl(demos, work / "demos.jsonl")
    arith.write_jsonl(arith.rows(train), work / "train.jsonl")
    arith.write_jsonl(arith.rows(test), work / "test.jsonl")
    plan_obj = build(cfg, seed)
    plan = pb.write(plan_obj, work / "plan.json")
    server = serve(JudgeApp(plan_obj))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    run_dir = work / "run"
    t0, c0 = time.time(), _child_cpu()
    try:
        for stage in ("sft", "eval_sft_sampled", "eval_sft_greedy", "cgpo", "eval_cgpo_sampled",
                      "eval_cgpo_greedy"):
            run_stage(plan, stage, run_dir, url, verbose)
    finally:
        server.shutdown()
    out = {f"{key}_{task}": pass_rate(run_dir, f"eval_{key}", task) for task in ("arith", "heldout")
           for key in ("sft_sampled", "sft_greedy", "cgpo_sampled", "cgpo_greedy")}
    out["seconds"] = time.time() - t0
    out["cpu_seconds"] = _child_cpu() - c0
    return out


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def table(r: Dict[str, float], cfg: Dict[str, Any]) -> str:
    n_test = cfg["n_test"]
    n_train = (cfg["max_operand"] + 1) ** 2 - n_test
    rows = [("RL prompts", "arith", n_train), ("held-out problems", "heldout", n_test)]
    lines = ["math-judge pass rate      sampled (T=1, 4/prompt)   greedy (T=0)",
             "                           SFT    CRPG   change      SFT    CRPG   change"]
    for label, task, n in rows:
        s0, s1 = r[f"sft_sampled_{task}"], r[f"cgpo_sampled_{task}"]
        g0, g1 = r[f"sft_greedy_{task}"], r[f"cgpo_greedy_{task}"]
        lines.append(f"{label + f' ({n})':<25} {s0:6.3f} {s1:6.3f} {s1 - s0:+7.3f}    "
                     f"{g0:6.3f} {g1:6.3f} {g1 - g0:+7.3f}")
    lines.append(f"wall {r['seconds']:.0f}s, CPU {r['cpu_seconds']:.0f}s (stage processes, user+system)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the test's smaller configuration")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--demos", choices=["slip", "noisy"], help="SFT demonstrations (default slip)")
    ap.add_argument("--crpg-lr", type=float)
    ap.add_argument("--crpg-steps", type=int)
    ap.add_argument("--verbose", action="store_true", help="show the training stages' progress")
    args = ap.parse_args()
    over = {"demos": args.demos, "crpg_lr": args.crpg_lr, "crpg_steps": args.crpg_steps}
    cfg = config(args.quick, **over)
    print("$ " + " ".join(["/usr/bin/python3", "bench/worker/learning_demo.py"] + sys.argv[1:]))
    print(f"config: {json.dumps(cfg, sort_keys=True)}  seed {args.seed}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        r = demo(args.quick, args.seed, Path(tmp), args.verbose, **over)
    print(table(r, cfg))


if __name__ == "__main__":
    main()
