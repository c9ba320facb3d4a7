"""Prompt templates where users need them: a task's `template` (what the policy sees in RL), an
eval stage's `template`, and DPO's `max_prompt_length`."""

import json

from align_worker import planbuild as pb
from align_worker.cli import main
from align_worker.stages.offline import _keep_end
from conftest import arith_plan


def run(plan, tmp, stage, url=None):
    path = pb.write(plan, tmp / "plan.json")
    args = ["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp / "run"), "--cpu"]
    return main(args + (["--judge-url", url] if url else []))


def tpl(text):
    return {"text": text, "file": None, "slots": []}


def test_task_template_is_what_the_policy_sees_and_a_bad_slot_is_named(workspace, judge_server, capsys):
    plan = arith_plan(steps=1)
    plan["tasks"]["arith"]["template"] = tpl("Q: {prompt}")
    url = judge_server(plan)
    assert run(plan, workspace, "cgpo", url) == 0
    assert judge_server.app.prompts and all(p.startswith("Q: ") for p in judge_server.app.prompts)
    plan["tasks"]["arith"]["template"] = tpl("{question}")
    assert run(plan, workspace, "cgpo", judge_server(plan)) == 2
    assert "/tasks/arith/template: template slot {question} has no field" in capsys.readouterr().err


def test_eval_template_wins_over_the_tasks(workspace, judge_server):
    plan = arith_plan()
    plan["tasks"]["arith"]["template"] = tpl("Q: {prompt}")
    plan["stages"]["ev"] = pb.eval_stage({"model": "tiny"}, ["arith"], samples=1, max_tokens=2)
    url = judge_server(plan)
    assert run(plan, workspace, "ev", url) == 0
    assert all(p.startswith("Q: ") for p in judge_server.app.prompts)
    plan["stages"]["ev"]["template"] = tpl("Solve {prompt}")
    assert run(plan, workspace, "ev", judge_server(plan)) == 0
    assert all(p.startswith("Solve ") for p in judge_server.app.prompts)


def test_dpo_max_prompt_length_keeps_the_prompt_end(workspace):
    assert _keep_end([1, 2, 3, 4], 2) == [3, 4] and _keep_end([1, 2], 5) == [1, 2] and _keep_end([1, 2], None) == [1, 2]
    rows = [{"prompt": f"{a}+{a}=" * 4, "chosen": str(2 * a), "rejected": str(2 * a + 1)} for a in range(4)]
    (workspace / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    plan = arith_plan()
    plan["datasets"]["pairs"] = pb.jsonl_dataset("pairs.jsonl", {"prompt": "prompt", "chosen": "chosen",
                                                                  "rejected": "rejected"})
    plan["stages"]["dpo"] = pb.dpo_stage({"model": "tiny"}, [{"dataset": "pairs"}], batch_size=4, epochs=1,
                                         checkpoint_every=0)
    plan["stages"]["dpo"]["max_prompt_length"] = 3
    assert run(plan, workspace, "dpo") == 0
    plan["stages"]["dpo"]["max_prompt_length"] = 0
    assert run(plan, workspace, "dpo") == 2
