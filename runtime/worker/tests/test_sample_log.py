"""cgpo keeps a few training samples per logged step in samples.jsonl (the report's sample
browser): which steps, what a row holds, and that a resume drops the rows of steps it reruns."""

import json

from align_worker import planbuild as pb
from align_worker.sample_log import PROMPTS_PER_STEP, SampleLog, sample_steps
from conftest import arith_plan, read_jsonl, run_cli


def test_sample_steps_are_the_first_the_last_and_nine_between():
    assert sample_steps(100) == {1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
    assert sample_steps(3) == {1, 2, 3}
    assert sample_steps(0) == set()


def test_resume_drops_rows_of_steps_after_the_checkpoint(tmp_path):
    log = SampleLog(tmp_path / "samples.jsonl", True, 10)
    log.write([{"step": s, "response": str(s)} for s in (1, 2, 3, 4)])
    with (tmp_path / "samples.jsonl").open("a") as f:
        f.write('{"step": 5, "resp')            # torn by a kill
    log.truncate_after(2)
    assert [r["step"] for r in read_jsonl(tmp_path / "samples.jsonl")] == [1, 2]


def test_cgpo_writes_samples_with_rewards_and_verdicts(workspace, judge_server):
    plan = arith_plan(steps=3, k=4, batch=4)
    url = judge_server(plan)
    path = pb.write(plan, workspace / "plan.json")
    r = run_cli(["run", "--plan", str(path), "--stage", "cgpo", "--run-dir", str(workspace / "run"),
                 "--judge-url", url, "--cpu"])
    assert r.returncode == 0, r.stderr
    rows = read_jsonl(workspace / "run" / "cgpo" / "samples.jsonl")
    assert [row["step"] for row in rows] == [s for s in (1, 2, 3) for _ in range(PROMPTS_PER_STEP * 4)]
    for row in rows:
        assert row["task"] == "arith" and row["prompt"].endswith("=")
        assert isinstance(row["response"], str) and isinstance(row["feasible"], bool)
        assert 0.0 <= row["reward_calibrated"] <= 1.0 and row["reward_raw"] in (0.0, 1.0)
        assert row["verdicts"]["math"]["status"] in ("satisfied", "violated")
        assert (row["reward_raw"] == 1.0) == (row["verdicts"]["math"]["status"] == "satisfied")
    assert json.loads((workspace / "run" / "cgpo" / "result.json").read_text())["status"] == "done"
