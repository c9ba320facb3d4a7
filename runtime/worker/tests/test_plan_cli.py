"""Plan validation: one-line errors naming the JSON pointer; never a traceback for user error."""

import json

import pytest

from align_worker import planbuild as pb
from align_worker.errors import PlanError
from align_worker.plan import parse_stage
from align_worker.pointer import Node
from conftest import arith_plan, run_cli


def stage_error(plan, name="cgpo"):
    with pytest.raises(PlanError) as info:
        parse_stage(Node(plan), name)
    return str(info.value)


def test_valid_plan_parses_every_part():
    spec = parse_stage(Node(arith_plan()), "cgpo")
    assert spec.variant == "cgpo" and spec.fields["steps"] == 3
    task = spec.tasks[0]
    assert task.name == "arith" and task.optimizer.variant == "crpg" and task.judges[0].name == "math"
    assert "/tasks/arith" in spec.config and "/judges/math" in spec.config


@pytest.mark.parametrize("mutate, message", [
    (lambda p: p["stages"]["cgpo"].update(lr="fast"), '/stages/cgpo/lr: expected a number, got "fast"'),
    (lambda p: p["stages"]["cgpo"].pop("steps"), "/stages/cgpo/steps: missing (required)"),
    (lambda p: p["stages"]["cgpo"].update(schedule="step"), "/stages/cgpo/schedule: expected one of constant, linear, cosine"),
    (lambda p: p["tasks"]["arith"]["optimizer"].update(kl_max=0), "/tasks/arith/optimizer/kl_max: expected a number > 0"),
    (lambda p: p["tasks"]["arith"].update(judges=[{"judge": "maths"}]), '/tasks/arith/judges/0: refers to unknown judge "maths"'),
    (lambda p: p["tasks"]["arith"]["optimizer"].update(variant="codpo", beta=0.1, generations=1, **{"lambda": 0.0}),
     "/tasks/arith/optimizer/generations: codpo needs generations >= 2"),
    (lambda p: p["models"]["tiny"]["from"].update(heads=5), "/models/tiny/from/heads: width must be divisible by heads"),
    (lambda p: p["tasks"]["arith"]["optimizer"].update(top_p=0.9), "/tasks/arith/optimizer/top_p: a task samples what it trains"),
    (lambda p: p["tasks"]["arith"]["optimizer"].update(temperature=0), "/tasks/arith/optimizer/temperature: a task samples"),
])
def test_errors_name_the_pointer(mutate, message):
    plan = arith_plan()
    mutate(plan)
    assert message in stage_error(plan)


def test_unknown_stage_lists_the_known_ones():
    assert 'no stage named "nope" (stages: cgpo, sft)' in stage_error(arith_plan(), "nope")


def test_cli_prints_one_line_and_exits_2(tmp_path):
    plan = arith_plan()
    plan["stages"]["cgpo"]["steps"] = "ten"
    path = pb.write(plan, tmp_path / "plan.json")
    r = run_cli(["run", "--plan", str(path), "--stage", "cgpo", "--run-dir", str(tmp_path / "run")])
    assert r.returncode == 2
    assert r.stderr.strip() == 'align-worker: error: /stages/cgpo/steps: expected an integer, got "ten"'
    assert "Traceback" not in r.stderr


def test_cli_reports_bad_json_and_missing_judge_url(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1,,}')
    r = run_cli(["check", "--plan", str(bad), "--stage", "x"])
    assert r.returncode == 2 and "bad.json:1:" in r.stderr and "not valid JSON" in r.stderr
    path = pb.write(arith_plan(), tmp_path / "plan.json")
    (tmp_path / "train.jsonl").write_text(json.dumps({"prompt": "1+1=", "answer": "2"}) + "\n")
    r = run_cli(["run", "--plan", str(path), "--stage", "cgpo", "--run-dir", str(tmp_path / "run")],
                env_extra={"ALIGN_JUDGE_URL": ""})
    assert r.returncode == 2 and "needs judges: pass --judge-url" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_data_file_is_a_user_error(tmp_path):
    path = pb.write(arith_plan(), tmp_path / "plan.json")
    r = run_cli(["run", "--plan", str(path), "--stage", "sft", "--run-dir", str(tmp_path / "run")])
    assert r.returncode == 2 and "/datasets/train: data file" in r.stderr and "does not exist" in r.stderr


def test_wrong_plan_version(tmp_path):
    plan = arith_plan()
    plan["version"] = 2
    path = pb.write(plan, tmp_path / "plan.json")
    r = run_cli(["check", "--plan", str(path), "--stage", "cgpo"])
    assert r.returncode == 2 and "/version: this worker reads plan version 1, got 2" in r.stderr


def test_a_stage_output_model_has_the_dtype_of_the_model_its_stages_trained():
    """cgpo trains sft's output, which trained `tiny`: both read back in tiny's declared dtype
    (the dtype the final model/ is written in, and the compiler's estimate counts)."""
    plan = arith_plan()
    plan["models"]["tiny"]["dtype"] = "bf16"
    plan["stages"]["cgpo"]["policy"] = {"stage": "sft", "output": "model"}
    plan["stages"]["ev"] = {"variant": "eval", "needs": ["cgpo"], "output": "report", "model": {"stage": "cgpo", "output": "model"},
                            "tasks": None, "prompts": {"dataset": "train"}, "judges": [{"judge": "math"}], "samples": 1,
                            "max_tokens": 4, "temperature": 0, "top_p": 1, "template": None}
    assert parse_stage(Node(plan), "cgpo").model.dtype == "bf16"
    assert parse_stage(Node(plan), "ev").model.dtype == "bf16"
    plan["models"]["tiny"]["dtype"] = "fp32"
    assert parse_stage(Node(plan), "ev").model.dtype == "fp32"
    plan["stages"]["sft"]["model"] = {"stage": "cgpo", "output": "model"}      # a hand-written cycle
    assert "a cycle of stages" in stage_error(plan, "ev")
