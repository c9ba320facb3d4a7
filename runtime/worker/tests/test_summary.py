"""Stage summaries (summary.py): counts per judge with error reasons, and the loud failures of a
stage that keeps nothing or whose judges err too often, through the CLI with a real judge server
double on loopback."""

import json

from align_worker import planbuild as pb
from align_worker.cli import main
from align_worker.summary import failure, judge_counts, merge_counts, stage_summary, top_reasons
from conftest import arith_plan


def run(plan, tmp, stage, url):
    path = pb.write(plan, tmp / "plan.json")
    return main(["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp / "run"), "--cpu",
                 "--judge-url", url])


def verdict(status, reason="r"):
    return {"status": status, "reason": reason}


def test_counts_merge_and_rank_reasons():
    rows = [{"verdicts": {"j": verdict("error", "timeout")}}, {"verdicts": {"j": verdict("error", "api_key_missing")}},
            {"verdicts": {"j": verdict("error", "api_key_missing")}}, {"verdicts": {"j": verdict("satisfied")}},
            {"verdicts": {}}]
    c = judge_counts(rows, ["j"])
    assert c["j"] == {"satisfied": 1, "violated": 0, "error": 3, "skipped": 0,
                      "error_reasons": {"timeout": 1, "api_key_missing": 2}}
    merged = merge_counts([c, c])
    assert merged["j"]["error"] == 6 and merged["j"]["error_reasons"] == {"timeout": 2, "api_key_missing": 4}
    assert top_reasons(merged["j"]["error_reasons"]) == "api_key_missing 4, timeout 2"


def test_failure_rules():
    ok = {"satisfied": 9, "violated": 0, "error": 1, "skipped": 5, "error_reasons": {"timeout": 1}}
    assert failure(stage_summary("s", "generate", 10, 10, 10, {"j": ok}), 0.1, True) is None
    bad = dict(ok, error=2, error_reasons={"timeout": 2})
    why = failure(stage_summary("s", "generate", 10, 11, 3, {"j": bad}), 0.1, True)
    assert why == "judge j errored on 2 of 11 samples (18% > max_judge_error_rate 0.1): timeout 2"
    assert failure(stage_summary("s", "generate", 10, 10, 0, {"j": ok}), 0.1, True).startswith("kept 0 of 10 samples")
    # Without a `keep`, 0 rows out is what an empty input gives, not a silent filter.
    assert failure(stage_summary("s", "render", 0, 0, 0, {}), 0.1, False) is None


def test_generate_whose_judge_always_errs_fails_with_the_reason(workspace, judge_server, capsys):
    plan = arith_plan()
    plan["judges"]["broken"] = pb.math_judge(answer="no_such_field")
    plan["stages"]["gen"] = pb.generate_stage({"model": "tiny"}, {"dataset": "test"}, samples=1, max_tokens=3,
                                              keep={"type": "violated", "judges": ["broken"]})
    url = judge_server(plan)
    assert run(plan, workspace, "gen", url) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("align-worker: error: stage 'gen': judge broken errored on 20 of 20 samples "
                   "(100% > max_judge_error_rate 0.1): missing_field 20")
    stage = workspace / "run" / "gen"
    summary = json.loads((stage / "summary.json").read_text())
    assert summary["rows_in"] == 20 and summary["samples"] == 20 and summary["judges"]["broken"]["error"] == 20
    assert (stage / "output.jsonl").exists() and not (stage / "result.json").exists()


def test_generate_that_keeps_nothing_fails_and_a_higher_rate_is_honoured(workspace, judge_server, capsys):
    plan = arith_plan()
    plan["judges"]["anything"] = {"variant": "contains", "values": [""], "mode": "any", "case_sensitive": True,
                                  "on_error": "violated", "scope": None}
    plan["stages"]["gen"] = pb.generate_stage({"model": "tiny"}, {"dataset": "test"}, samples=2, max_tokens=3,
                                              keep={"type": "violated", "judges": ["anything"]})
    url = judge_server(plan)
    assert run(plan, workspace, "gen", url) == 2
    assert "stage 'gen': kept 0 of 40 samples: no row passed `keep`" in capsys.readouterr().err
    # Errors below the declared rate pass, and the summary lands in result.json's directory.
    plan["recipe"]["max_judge_error_rate"] = 1.0
    plan["judges"]["broken"] = pb.math_judge(answer="no_such_field")
    plan["stages"]["gen"] = pb.generate_stage({"model": "tiny"}, {"dataset": "test"}, samples=1, max_tokens=3,
                                              judges=["broken"])
    url = judge_server(plan)
    assert run(plan, workspace, "gen", url) == 0
    summary = json.loads((workspace / "run" / "gen" / "summary.json").read_text())
    assert summary["kept"] == 20 and summary["judges"]["broken"]["error_reasons"] == {"missing_field": 20}
