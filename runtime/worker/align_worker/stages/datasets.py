"""Dataset stages: generate (sample with a template, optionally judge and filter), judge,
render, and eval (pass rates per judge). Outputs are JSON lines written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..context import RunContext
from ..data import STAGE_OUTPUT, load_rows, render, render_row
from ..errors import UserError
from ..generation import generate
from ..judge_client import JudgeResult
from ..models import load_model
from ..rollout import GEN_CHUNK, judge_samples
from ..seeding import derive_seed, seed_everything
from ..summary import enforce, judge_counts, merge_counts, stage_summary
from ..tokenizer import system_of


def write_jsonl_atomic(path: Path, rows: List[Dict[str, Any]]) -> None:
    """Temp file, fsync, rename: readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(str(path.parent), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keep_row(verdicts: Dict[str, Any], keep: Dict[str, Any]) -> bool:
    """keep all | satisfied(js) | violated(js): every listed judge has that status."""
    if keep["type"] == "all":
        return True
    return all(verdicts.get(j, {}).get("status") == keep["type"] for j in keep["judges"])


def sample_rows(ctx: RunContext, lm, rows: List[Dict[str, Any]], prompts: List[str], samples: int,
                f: Dict[str, Any], key: str) -> List[Dict[str, Any]]:
    """This rank's share (rows i ≡ rank mod world) of K samples per row, each a new row."""
    d, out = ctx.dist, []
    mine = list(range(d.rank, len(rows), d.world))
    jobs = [(i, k) for i in mine for k in range(samples)]
    for c in range(0, len(jobs), GEN_CHUNK):
        chunk = jobs[c:c + GEN_CHUNK]
        ids = [lm.tokenizer.encode_prompt(prompts[i], system_of(rows[i])) for i, _ in chunk]
        seeds = [derive_seed(ctx.spec.seed, key, i, k) for i, k in chunk]
        s = generate(lm, ids, seeds, f["temperature"], f["top_p"], f["max_tokens"])
        for (i, k), toks in zip(chunk, s.tokens):
            text = lm.tokenizer.decode(toks)
            out.append({**rows[i], ctx.spec.fields.get("response_field", "response"): text, "sample": k,
                        "_index": (i, k), "_prompt": prompts[i]})
    return out


def attach_verdicts(ctx: RunContext, task: str, out: List[Dict[str, Any]]) -> List[JudgeResult]:
    judge = judge_samples(ctx.judge_client(f"stage {ctx.spec.name!r}"), task, ctx.spec.name, False)
    field = ctx.spec.fields.get("response_field", "response")
    results = judge(out, [r.get("_prompt", r.get("prompt", "")) for r in out],
                    [r[field] for r in out])
    for r, res in zip(out, results):
        r["verdicts"] = res.verdicts
        r["feasible"] = res.feasible and not res.skip
    return results


def summarize(ctx: RunContext, rows_in: int, judged: List[Dict[str, Any]], kept: int, keeps: bool,
              judges: Optional[List[str]] = None) -> None:
    """Rank 0 writes summary.json from every rank's verdicts; the stage fails on 0 kept rows or
    too many judge errors (summary.py). Called after the outputs are written."""
    d, spec = ctx.dist, ctx.spec
    names = [j.name for j in spec.judges] if judges is None else judges
    parts = d.gather_objects((len(judged), judge_counts(judged, names)))
    samples = sum(n for n, _ in parts)
    summary = stage_summary(spec.name, spec.variant, rows_in, samples, kept, merge_counts([c for _, c in parts]))
    if d.is_main:
        enforce(ctx.stage_dir, summary, spec.max_judge_error_rate, keeps)
    else:
        from ..summary import failure
        why = failure(summary, spec.max_judge_error_rate, keeps)
        if why is not None:
            raise UserError(f"stage {spec.name!r}: {why}")


def finish(ctx: RunContext, out: List[Dict[str, Any]], write: bool = True) -> List[Dict[str, Any]]:
    """Merge ranks' rows in input order (rank 0 writes output.jsonl)."""
    d = ctx.dist
    parts = d.gather_objects(out)
    merged = sorted((r for p in parts for r in p), key=lambda r: tuple(r["_index"]))
    clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in merged]
    if d.is_main and write:
        write_jsonl_atomic(ctx.stage_dir / STAGE_OUTPUT, clean)
    d.barrier()
    return clean


def run_generate(ctx: RunContext) -> Dict[str, Any]:
    spec, f = ctx.spec, ctx.spec.fields
    seed_everything(spec.seed, ctx.dist.rank)
    rows = load_rows(spec.data[0], ctx.base_dir, ctx.run_dir)
    prompts = [render(f["template"], r, spec.pointer + "/template") for r in rows]
    lm = load_model(spec.model, spec.seed, ctx.base_dir, ctx.run_dir, ctx.dist.device, trainable=False)
    out = sample_rows(ctx, lm, rows, prompts, f["samples"], f, spec.name)
    if spec.judges:
        attach_verdicts(ctx, spec.name, out)
    judged = out
    out = [r for r in out if keep_row(r.get("verdicts", {}), f["keep"])]
    kept = finish(ctx, out)
    summarize(ctx, len(rows), judged, len(kept), f["keep"]["type"] != "all")
    return {"rows": len(kept)}


def run_judge(ctx: RunContext) -> Dict[str, Any]:
    spec = ctx.spec
    rows = load_rows(spec.data[0], ctx.base_dir, ctx.run_dir)
    mine = [{**r, "_index": (i, 0)} for i, r in enumerate(rows) if i % ctx.dist.world == ctx.dist.rank]
    for r in mine:
        if not isinstance(r.get("response"), str):
            raise UserError(f"{spec.pointer}/from: judge stage rows need a text field response")
    attach_verdicts(ctx, spec.name, mine)
    kept = finish(ctx, [r for r in mine if keep_row(r["verdicts"], spec.fields["keep"])])
    summarize(ctx, len(rows), mine, len(kept), spec.fields["keep"]["type"] != "all")
    return {"rows": len(kept)}


def run_render(ctx: RunContext) -> Dict[str, Any]:
    spec = ctx.spec
    rows = load_rows(spec.data[0], ctx.base_dir, ctx.run_dir)
    out = [{**render_row(r, spec.fields["template"], spec.fields["target"], spec.pointer), "_index": (i, 0)}
           for i, r in enumerate(rows) if i % ctx.dist.world == ctx.dist.rank]
    kept = len(finish(ctx, out))
    summarize(ctx, len(rows), out, kept, False)
    return {"rows": kept}


def run_eval(ctx: RunContext) -> Dict[str, Any]:
    """Sample every prompt `samples` times and report feasibility and per-judge pass rates."""
    spec, f = ctx.spec, ctx.spec.fields
    seed_everything(spec.seed, ctx.dist.rank)
    lm = load_model(spec.model, spec.seed, ctx.base_dir, ctx.run_dir, ctx.dist.device, trainable=False)
    groups = ([(t.name, t.prompts, eval_judges(t), f["template"] or t.template) for t in spec.tasks] if spec.tasks
              else [(spec.name, spec.data, [j.name for j in spec.judges], f["template"])])
    report: Dict[str, Any] = {"stage": spec.name, "tasks": {}}
    all_rows: List[Dict[str, Any]] = []
    rows_in, mine_judged, judge_names = 0, [], []
    for name, sources, judges, template in groups:
        rows = [r for s in sources for r in load_rows(s, ctx.base_dir, ctx.run_dir)]
        rows_in += len(rows)
        judge_names += [j for j in judges if j not in judge_names]
        prompts = [render(template, r, spec.pointer + "/template") for r in rows]
        out = sample_rows(ctx, lm, rows, prompts, f["samples"], f, f"{spec.name}/{name}")
        if judges:
            attach_verdicts(ctx, name, out)
        mine_judged += out
        merged = [dict(r, task=name) for r in finish(ctx, out, write=False)]
        report["tasks"][name] = pass_rates(merged, judges)
        all_rows += merged
    if ctx.dist.is_main:
        write_jsonl_atomic(ctx.stage_dir / "samples.jsonl", all_rows)
        (ctx.stage_dir / "report.json").write_text(json.dumps(report, indent=1, sort_keys=True))
    summarize(ctx, rows_in, mine_judged, len(all_rows), False, judge_names)
    return report


def eval_judges(task) -> List[str]:
    """A task's judges, plus its reward judge (`judge(j)`): often the task's accuracy, as in
    recipes/tiny.align, and the judge server answers its verdict with the task's."""
    names = [j.name for j in task.judges]
    src = task.reward.source
    if src.get("type") == "judge" and src.get("judge") not in names:
        names.append(str(src["judge"]))
    return names


def pass_rates(rows: List[Dict[str, Any]], judges: List[str]) -> Dict[str, Any]:
    n = max(len(rows), 1)
    by_judge: Dict[str, Optional[float]] = {}
    for j in judges:
        seen = [r["verdicts"].get(j, {}).get("status") for r in rows]
        scored = [s for s in seen if s not in (None, "skipped")]
        by_judge[j] = sum(s == "satisfied" for s in scored) / len(scored) if scored else None
    return {"samples": len(rows), "feasible_rate": sum(bool(r.get("feasible", True)) for r in rows) / n,
            "pass_rate_by_judge": by_judge}
