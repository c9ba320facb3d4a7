"""What a dataset stage did, in numbers: rows in, samples, kept and dropped, and each judge's
verdict counts with its error reasons. Written to `<stage>/summary.json` (docs/worker.md,
"Stage summary"); `align run` prints it. A stage that keeps nothing, or whose judges err on more
than the recipe's `max_judge_error_rate`, fails with one line that says why, after its outputs
are written (so they can be inspected) and before result.json marks it done (so it runs again).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict, List, Optional

from .errors import UserError

STATUSES = ("satisfied", "violated", "error", "skipped")
TOP_REASONS = 3


def judge_counts(rows: List[Dict[str, Any]], judges: List[str]) -> Dict[str, Dict[str, Any]]:
    """Per judge: how many verdicts of each status, and how often each error reason came up."""
    out: Dict[str, Dict[str, Any]] = {}
    for j in judges:
        counts: Dict[str, Any] = {s: 0 for s in STATUSES}
        reasons: Counter = Counter()
        for r in rows:
            v = r.get("verdicts", {}).get(j)
            if v is None:
                continue
            status = v.get("status")
            counts[status if status in STATUSES else "error"] += 1
            if status == "error":
                reasons[str(v.get("reason", "unknown"))] += 1
        counts["error_reasons"] = dict(reasons)
        out[j] = counts
    return out


def merge_counts(parts: List[Dict[str, Dict[str, Any]]]) -> Dict[str, Dict[str, Any]]:
    """Sum the per-rank counts of judge_counts."""
    out: Dict[str, Dict[str, Any]] = {}
    for part in parts:
        for j, c in part.items():
            m = out.setdefault(j, {**{s: 0 for s in STATUSES}, "error_reasons": {}})
            for s in STATUSES:
                m[s] += c[s]
            for reason, n in c["error_reasons"].items():
                m["error_reasons"][reason] = m["error_reasons"].get(reason, 0) + n
    return out


def stage_summary(stage: str, variant: str, rows_in: int, samples: int, kept: int,
                  judges: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    return {"stage": stage, "variant": variant, "rows_in": rows_in, "samples": samples, "kept": kept,
            "dropped": samples - kept, "judges": judges}


def top_reasons(reasons: Dict[str, int]) -> str:
    """`api_key_missing 40, timeout 2` (most frequent first, ties by name)."""
    ranked = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
    return ", ".join(f"{r} {n}" for r, n in ranked)


def failure(summary: Dict[str, Any], max_error_rate: float, keeps: bool) -> Optional[str]:
    """Why the stage must fail, in one line, or None. `keeps`: the stage filters rows."""
    for j, c in summary["judges"].items():
        judged = c["satisfied"] + c["violated"] + c["error"]
        if judged and c["error"] / judged > max_error_rate:
            return (f"judge {j} errored on {c['error']} of {judged} samples "
                    f"({100 * c['error'] / judged:.0f}% > max_judge_error_rate {max_error_rate:g}): "
                    f"{top_reasons(c['error_reasons'])}")
    if keeps and summary["samples"] > 0 and summary["kept"] == 0:
        return f"kept 0 of {summary['samples']} samples: no row passed `keep`; outputs left in the stage directory"
    return None


def write_summary(stage_dir, summary: Dict[str, Any]) -> None:
    stage_dir.mkdir(parents=True, exist_ok=True)
    (stage_dir / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")


def enforce(stage_dir, summary: Dict[str, Any], max_error_rate: float, keeps: bool) -> None:
    """Writes summary.json, then raises the stage's failure, if any, as a UserError."""
    write_summary(stage_dir, summary)
    why = failure(summary, max_error_rate, keeps)
    if why is not None:
        raise UserError(f"stage {summary['stage']!r}: {why}")
