"""`python -m align_worker run --plan plan.json --stage NAME --run-dir DIR [--judge-url URL] [--resume]`.

User errors (plan, data, flags, judge server) print one line `align-worker: error: ...` and exit
2; only bugs print a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

from .errors import StopRequested, UserError

EXIT_USER = 2
#: The stage checkpointed and stopped on request (STOP_FILE); EX_TEMPFAIL: run it again to resume.
EXIT_STOPPED = 75


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m align_worker",
                                description="Run one stage of an align plan.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a stage")
    run.add_argument("--plan", required=True, type=Path, help="plan.json written by align build")
    run.add_argument("--stage", required=True, help="stage name in /stages")
    run.add_argument("--run-dir", required=True, type=Path,
                     help="the run's directory; this stage writes DIR/<stage>/")
    run.add_argument("--judge-url", default=os.environ.get("ALIGN_JUDGE_URL"),
                     help="judge server base URL (default: $ALIGN_JUDGE_URL)")
    run.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    run.add_argument("--base-dir", type=Path, default=None,
                     help="directory plan paths are relative to (default: the plan's directory)")
    run.add_argument("--cpu", action="store_true", help="ignore GPUs")
    check = sub.add_parser("check", help="validate a stage of the plan and exit")
    check.add_argument("--plan", required=True, type=Path)
    check.add_argument("--stage", required=True)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args) if args.command == "run" else check(args)
    except UserError as exc:
        print(f"align-worker: error: {exc}", file=sys.stderr)
        return EXIT_USER
    except StopRequested as exc:
        print(f"align-worker: stopped: {exc}", file=sys.stderr)
        return EXIT_STOPPED
    except KeyboardInterrupt:
        print("align-worker: interrupted", file=sys.stderr)
        return 130


def check(args: argparse.Namespace) -> int:
    from .plan import load_plan, parse_stage
    spec = parse_stage(load_plan(args.plan), args.stage)
    print(f"stage {spec.name}: {spec.variant} ok")
    return 0


def run(args: argparse.Namespace) -> int:
    from .checkpoint import config_hash
    from .context import RunContext
    from .distributed import init_from_env
    from .plan import load_plan, parse_stage
    from .stages import runner

    spec = parse_stage(load_plan(args.plan), args.stage)
    base = args.base_dir or args.plan.resolve().parent
    d = init_from_env(want_gpu=not args.cpu)
    ctx = RunContext(spec, base, args.run_dir.resolve(), args.judge_url, args.resume, d)
    t0 = time.time()
    result = runner(spec.variant)(ctx) or {}
    if d.is_main:
        summary = {"stage": spec.name, "variant": spec.variant, "status": "done",
                   "config_hash": config_hash(spec.config), "seconds": time.time() - t0,
                   "world_size": d.world, **result}
        ctx.stage_dir.mkdir(parents=True, exist_ok=True)
        (ctx.stage_dir / "result.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
        print(f"[{spec.name}] done in {summary['seconds']:.1f}s", file=sys.stderr)
    d.barrier()     # no rank leaves while a peer still needs it; __main__ ends the process
    return 0
