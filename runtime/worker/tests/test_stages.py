"""Stages end to end through the CLI entry point (in-process): sft, dpo, cgpo (crpg, codpo,
crraft, grpo, rloo, multi-task), generate with judges and keep, eval; metrics and outputs."""

import json

import pytest
import torch

from align_worker import planbuild as pb
from align_worker.cli import main
from conftest import arith_plan, read_jsonl


def run(plan, tmp, stage, url=None, resume=False):
    path = pb.write(plan, tmp / "plan.json")
    args = ["run", "--plan", str(path), "--stage", stage, "--run-dir", str(tmp / "run"), "--cpu"]
    args += ["--judge-url", url] if url else []
    args += ["--resume"] if resume else []
    return main(args)


def test_sft_trains_on_targets_and_writes_model_metrics_result(workspace):
    plan = arith_plan()
    assert run(plan, workspace, "sft") == 0
    stage = workspace / "run" / "sft"
    assert (stage / "model" / "model.pt").exists() and (stage / "model" / "align_model.json").exists()
    lines = read_jsonl(stage / "metrics.jsonl")
    assert [r["step"] for r in lines] == list(range(1, 11))          # 80 rows / batch 8
    assert {"loss", "lr", "grad_norm", "tokens_per_s", "step_time_s", "peak_memory_bytes"} <= set(lines[0])
    assert lines[-1]["loss"] < lines[0]["loss"]
    assert json.loads((stage / "result.json").read_text())["status"] == "done"


def test_fresh_run_refuses_to_overwrite_checkpoints(workspace):
    plan = arith_plan(checkpoint_every=5)
    assert run(plan, workspace, "sft") == 0
    assert run(plan, workspace, "sft") == 2


def test_dpo_runs_and_prefers_chosen(workspace):
    rows = [{"prompt": f"{a}+{a}=", "chosen": str(2 * a), "rejected": str(2 * a + 1)} for a in range(8)]
    (workspace / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    plan = arith_plan()
    plan["datasets"]["pairs"] = pb.jsonl_dataset("pairs.jsonl", {"prompt": "prompt", "chosen": "chosen",
                                                                  "rejected": "rejected"})
    plan["stages"]["dpo"] = pb.dpo_stage({"model": "tiny"}, [{"dataset": "pairs"}], beta=0.5, lr=3e-3,
                                         batch_size=4, epochs=6, schedule="constant", checkpoint_every=0)
    assert run(plan, workspace, "dpo") == 0
    losses = [r["loss"] for r in read_jsonl(workspace / "run" / "dpo" / "metrics.jsonl")]
    assert losses[0] == pytest.approx(torch.nn.functional.softplus(torch.tensor(0.0)).item(), abs=1e-4)
    assert losses[-1] < losses[0] - 0.05


@pytest.mark.parametrize("variant", ["crpg", "codpo", "crraft", "grpo", "rloo"])
def test_cgpo_each_optimizer_runs_with_judges(workspace, judge_server, variant):
    plan = arith_plan(variant=variant, steps=2)
    url = judge_server(plan)
    assert run(plan, workspace, "cgpo", url) == 0
    lines = read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl")
    task = [r for r in lines if r.get("task") == "arith"]
    assert len(task) == 2
    rec = task[0]
    for key in ("loss", "reward_raw_mean", "reward_calibrated_mean", "feasible_rate", "feasible_rate_by_judge",
                "skipped_prompts", "log_ratio_mean", "log_ratio_std", "log_ratio_min", "log_ratio_max",
                "tokens_per_s", "step_time_s", "peak_memory_bytes"):
        assert key in rec, key
    assert rec["samples"] == 16 and set(rec["feasible_rate_by_judge"]) == {"math"}
    if variant == "crpg":
        assert "kl_gate_zero_rate" in rec
    if variant in ("grpo", "rloo"):
        assert rec["kl_mean"] == pytest.approx(0.0, abs=1e-5)   # step 1: the policy is the reference
    assert judge_server.app.requests >= 2


def test_grpo_inner_updates_reuse_the_rollout_and_step_the_schedule_once(workspace, judge_server):
    # The untrained model fails every problem, so every advantage is 0; the k1 penalty's gradient
    # β·∇log π is not, so the policy must leave the reference.
    grpo = pb.optimizer("grpo", generations=4, max_tokens=3, ppo_epochs=3, loss_aggregation="token",
                        kl_estimator="k1", kl_coef=0.5)
    crpg = pb.optimizer("crpg", generations=2, max_tokens=3, kl_max=2.0)
    tasks = {"g": pb.task(["train"], "correct", ["math"], grpo, batch_size=2),
             "c": pb.task(["test"], "correct", [], crpg, batch_size=2)}
    plan = arith_plan(tasks=tasks, steps=3, schedule="linear")
    url = judge_server(plan)
    assert run(plan, workspace, "cgpo", url) == 0
    lines = read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl")
    total = [r for r in lines if r.get("task") is None]
    # 3 updates per step, but the schedule is per stage step: lr·(1 - s/3) at steps s = 0, 1, 2.
    assert [r["lr"] for r in total] == pytest.approx([1e-3, 1e-3 * 2 / 3, 1e-3 / 3])
    assert [r["optimizer_updates"] for r in total] == [3, 3, 3]
    g = [r for r in lines if r.get("task") == "g"]
    assert g[0]["kl_mean"] == pytest.approx(0.0, abs=1e-5)
    assert g[1]["kl_mean"] > 1e-3                   # KL(π‖π_ref) > 0 once π has moved
    assert g[0]["zero_advantage_prompts"] == 2


def test_multitask_weights_and_one_step(workspace, judge_server):
    opt = pb.optimizer("crpg", generations=2, max_tokens=3, kl_max=2.0)
    tasks = {"a": pb.task(["train"], "correct", ["math"], opt, weight=0.25, batch_size=2),
             "b": pb.task(["test"], "correct", [], opt, weight=0.75, batch_size=2)}
    plan = arith_plan(tasks=tasks, steps=2)
    url = judge_server(plan)
    assert run(plan, workspace, "cgpo", url) == 0
    lines = read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl")
    by_step = {}
    for r in lines:
        by_step.setdefault(r["step"], {})[r["task"]] = r
    assert sorted(by_step) == [1, 2]
    for recs in by_step.values():
        assert recs["a"]["weight"] == 0.25 and recs["b"]["weight"] == 0.75
        total = 0.25 * recs["a"]["loss"] + 0.75 * recs["b"]["loss"]
        assert recs[None]["loss"] == pytest.approx(total, abs=1e-6)


def test_generate_with_template_judges_and_keep(workspace, judge_server):
    plan = arith_plan()
    plan["stages"]["gen"] = pb.generate_stage({"model": "tiny"}, {"dataset": "test"}, template="Q: {prompt}",
                                              samples=2, max_tokens=3, judges=["math"],
                                              keep={"type": "violated", "judges": ["math"]})
    url = judge_server(plan)
    assert run(plan, workspace, "gen", url) == 0
    rows = read_jsonl(workspace / "run" / "gen" / "output.jsonl")
    assert rows and all(r["verdicts"]["math"]["status"] == "violated" for r in rows)
    assert all(r["source"] == "test" and isinstance(r["response"], str) and "answer" in r for r in rows)
    assert len(rows) <= 40


def test_generate_writes_response_field_and_runs_keep_judges_it_does_not_list(workspace, judge_server):
    """The mistakes pipeline: `response_field = "analysis"` keeps the row's earlier `response`
    (the bad answer) intact, and `keep = violated(math)` alone makes the stage run `math`."""
    plan = arith_plan()
    plan["datasets"]["test"]["fields"]["response"] = "answer"
    plan["stages"]["gen"] = pb.generate_stage({"model": "tiny"}, {"dataset": "test"}, samples=1, max_tokens=3,
                                              keep={"type": "violated", "judges": ["math"]},
                                              response_field="analysis")
    url = judge_server(plan)
    assert run(plan, workspace, "gen", url) == 0
    rows = read_jsonl(workspace / "run" / "gen" / "output.jsonl")
    assert rows and all(r["verdicts"]["math"]["status"] == "violated" for r in rows)
    assert all(isinstance(r["analysis"], str) and r["response"] == r["answer"] for r in rows)


def test_render_then_sft_on_a_stage_output(workspace):
    plan = arith_plan()
    plan["stages"]["rend"] = {"variant": "render", "needs": [], "output": "dataset", "from": {"dataset": "train"},
                              "template": {"text": "What is {prompt} ({{sum}})", "file": None, "slots": ["prompt"]},
                              "target": "answer"}
    plan["stages"]["sft2"] = pb.sft_stage({"model": "tiny"}, [{"stage": "rend", "output": "dataset"}],
                                          checkpoint_every=0)
    assert run(plan, workspace, "rend") == 0
    rows = read_jsonl(workspace / "run" / "rend" / "output.jsonl")
    assert rows[0]["prompt"].startswith("What is ") and rows[0]["prompt"].endswith("({sum})")
    assert rows[0]["target"] == rows[0]["answer"]
    assert run(plan, workspace, "sft2") == 0


def test_eval_reports_pass_rates(workspace, judge_server):
    plan = arith_plan()
    plan["stages"]["ev"] = pb.eval_stage({"model": "tiny"}, ["arith"], samples=1, max_tokens=3)
    url = judge_server(plan)
    assert run(plan, workspace, "ev", url) == 0
    report = json.loads((workspace / "run" / "ev" / "report.json").read_text())
    rates = report["tasks"]["arith"]
    assert rates["samples"] == 80 and 0.0 <= rates["pass_rate_by_judge"]["math"] <= 1.0


def test_eval_reports_the_reward_judge_beside_the_constraints(workspace, judge_server):
    """A judge(j) reward that is not among the task's judges still gets its pass rate (tiny.align)."""
    plan = arith_plan(tasks={"arith": pb.task(["train"], "correct", [], pb.optimizer("crpg", max_tokens=3))})
    plan["stages"]["ev"] = pb.eval_stage({"model": "tiny"}, ["arith"], samples=1, max_tokens=3)
    url = judge_server(plan)
    assert run(plan, workspace, "ev", url) == 0
    rates = json.loads((workspace / "run" / "ev" / "report.json").read_text())["tasks"]["arith"]
    assert set(rates["pass_rate_by_judge"]) == {"math"} and rates["feasible_rate"] == 1.0
