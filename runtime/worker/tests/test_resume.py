"""Atomic checkpoints and exact resume: SIGKILL at a random step, resume, identical parameters."""

import json
import random
import signal
import subprocess
import sys
import time

import pytest
import torch

from align_worker import checkpoint as ckpt
from align_worker import sharded_checkpoint
from align_worker import planbuild as pb
from conftest import WORKER, arith_plan, read_jsonl, run_cli

STEPS = 6
FILES = {"model.pt", "optimizer.pt", "scheduler.pt", "rng.pt", "state.json", "config.json"}


def cgpo_args(plan_path, run_dir, url, resume=False):
    return ["run", "--plan", str(plan_path), "--stage", "cgpo", "--run-dir", str(run_dir), "--judge-url", url,
            "--cpu"] + (["--resume"] if resume else [])


def summary_lines_written(path):
    """Complete per-step summary lines so far; the worker may be mid-way through the next one."""
    complete = path.read_text().split("\n")[:-1]
    return sum(1 for line in complete if json.loads(line).get("task") is None)


def final_params(run_dir):
    return torch.load(run_dir / "cgpo" / "model" / "model.pt")


def assert_complete_checkpoints(run_dir):
    """Every listed checkpoint has all its files: the legacy set (torch 1.x), or DCP shards +
    small files exactly as its manifest lists them."""
    for path in ckpt.list_checkpoints(run_dir / "cgpo"):
        names = {p.name for p in path.iterdir()}
        if sharded_checkpoint.available():
            listed = set(sharded_checkpoint.manifest_files(path))
            assert names == listed | {"manifest.json"}, path
            assert {".metadata", "__0_0.distcp", "scheduler.pt", "rng.pt", "state.json"} <= listed
        else:
            assert names == FILES, path
            torch.load(path / "model.pt")
        assert json.loads((path / "state.json").read_text())["step"] == int(path.name.split("-")[1])


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """One uninterrupted reference run shared by the tests of this module."""
    from align_worker import arith
    from align_worker.devserver import JudgeApp, serve
    workspace = tmp_path_factory.mktemp("resume")
    train, test = arith.split(seed=0, max_operand=9, n_test=20)
    arith.write_jsonl(train, workspace / "train.jsonl")
    arith.write_jsonl(test, workspace / "test.jsonl")
    plan = arith_plan(steps=STEPS, checkpoint_every=1, warmup=2, grad_accum=2)
    path = pb.write(plan, workspace / "plan.json")
    server = serve(JudgeApp(plan))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    reference = workspace / "ref"
    r = run_cli(cgpo_args(path, reference, url))
    assert r.returncode == 0, r.stderr
    yield workspace, path, url, final_params(reference), plan
    server.shutdown()
    server.server_close()


def test_sigkill_at_a_random_step_then_resume_is_exact(setup):
    workspace, path, url, expected, _ = setup
    kill_at = random.Random().randint(1, STEPS - 2)
    run_dir = workspace / "killed"
    env = {"PYTHONPATH": str(WORKER), "OMP_NUM_THREADS": "1"}
    import os
    proc = subprocess.Popen([sys.executable, "-m", "align_worker", *cgpo_args(path, run_dir, url)],
                            env=dict(os.environ, **env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = run_dir / "cgpo" / "metrics.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if metrics.exists() and summary_lines_written(metrics) >= kill_at:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"worker finished before step {kill_at}"
    assert not (run_dir / "cgpo" / "model").exists()
    assert_complete_checkpoints(run_dir)
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 0, r.stderr
    got = final_params(run_dir)
    assert got.keys() == expected.keys()
    for k in expected:
        assert torch.equal(got[k], expected[k]), f"{k} differs after kill at step {kill_at}"
    steps = [r["step"] for r in read_jsonl(run_dir / "cgpo" / "metrics.jsonl") if r.get("task") is None]
    assert steps == list(range(1, STEPS + 1))


def test_kill_inside_a_checkpoint_write_leaves_no_half_checkpoint(setup):
    workspace, path, url, expected, _ = setup
    run_dir = workspace / "torn"
    r = run_cli(cgpo_args(path, run_dir, url), env_extra={"ALIGN_WORKER_TEST_KILL_IN_CHECKPOINT": "3"})
    assert r.returncode == -signal.SIGKILL
    names = [p.name for p in ckpt.list_checkpoints(run_dir / "cgpo")]
    assert names == ["step-00000001", "step-00000002"]          # step 3 never became visible
    assert any(p.name.startswith(".tmp-") for p in (run_dir / "cgpo" / "checkpoints").iterdir())
    assert_complete_checkpoints(run_dir)
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 0, r.stderr
    got = final_params(run_dir)
    assert all(torch.equal(got[k], expected[k]) for k in expected)
    assert not any(p.name.startswith(".tmp-") for p in (run_dir / "cgpo" / "checkpoints").iterdir())


def test_kill_while_pruning_leaves_the_newer_checkpoints_complete(setup):
    """Pruning renames step-1 out of sight before deleting it: killed in between, the run has
    steps 2 and 3 complete and a hidden leftover, and resumes from step 3 exactly."""
    workspace, path, url, expected, _ = setup
    run_dir = workspace / "pruned"
    r = run_cli(cgpo_args(path, run_dir, url), env_extra={"ALIGN_WORKER_TEST_KILL_IN_PRUNE": "3"})
    assert r.returncode == -signal.SIGKILL
    root = run_dir / "cgpo" / "checkpoints"
    assert [p.name for p in ckpt.list_checkpoints(run_dir / "cgpo")] == ["step-00000002", "step-00000003"]
    assert (root / ".old-step-00000001").is_dir()
    assert_complete_checkpoints(run_dir)
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 0, r.stderr
    got = final_params(run_dir)
    assert all(torch.equal(got[k], expected[k]) for k in expected)
    assert not any(p.name.startswith(".old-") for p in root.iterdir())


def test_killed_before_the_first_checkpoint_resume_rewrites_the_metrics(setup):
    """Step 1 was logged but never checkpointed: --resume reruns it and logs it once."""
    workspace, path, url, expected, _ = setup
    run_dir = workspace / "early"
    metrics = run_dir / "cgpo" / "metrics.jsonl"
    metrics.parent.mkdir(parents=True)
    metrics.write_text(json.dumps({"step": 1, "loss": 9.0}) + "\n" + json.dumps({"step": 1, "task": "arith"}) + "\n")
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 0, r.stderr
    assert "no checkpoint yet" in r.stdout
    steps = [r["step"] for r in read_jsonl(metrics) if r.get("task") is None]
    assert steps == list(range(1, STEPS + 1))
    assert 9.0 not in [r.get("loss") for r in read_jsonl(metrics)]
    got = final_params(run_dir)
    assert all(torch.equal(got[k], expected[k]) for k in expected)


def test_resume_refuses_a_changed_configuration(setup):
    workspace, path, url, _, plan = setup
    plan = json.loads(json.dumps(plan))
    path = workspace / "plan-changed.json"
    pb.write(plan, path)
    run_dir = workspace / "changed"
    r = run_cli(cgpo_args(path, run_dir, url), env_extra={"ALIGN_WORKER_TEST_KILL_IN_CHECKPOINT": "3"})
    plan["stages"]["cgpo"]["lr"] = 5e-4
    plan["tasks"]["arith"]["optimizer"]["kl_max"] = 0.5
    pb.write(plan, path)
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 2
    assert "configuration changed" in r.stderr
    assert "/stages/cgpo/lr" in r.stderr and "/tasks/arith/optimizer/kl_max" in r.stderr


def test_config_diff_names_fields():
    old = {"/stages/s": {"lr": 1, "tasks": [{"task": "a"}]}, "/recipe/seed": 1}
    new = {"/stages/s": {"lr": 2, "tasks": [{"task": "a"}, {"task": "b"}]}, "/recipe/seed": 1}
    assert ckpt.config_diff(old, new) == ["/stages/s/lr", "/stages/s/tasks/1/task"]
    assert ckpt.config_hash(old) != ckpt.config_hash(new)


def test_resume_drops_later_steps_and_a_metrics_line_torn_by_the_kill(tmp_path):
    from align_worker.metrics import MetricsWriter
    path = tmp_path / "metrics.jsonl"
    lines = [json.dumps({"step": s, "loss": 0.1 * s}) for s in (1, 2, 3)]
    path.write_text("\n".join(lines) + "\n" + '{"step": 4, "lo')      # SIGKILL mid-write
    MetricsWriter(path, True, "cgpo", 6).truncate_after(2)
    assert path.read_text() == lines[0] + "\n" + lines[1] + "\n"


def test_stop_file_checkpoints_the_current_step_then_resume_is_exact(setup):
    """A launcher's preemption trap writes STOP_FILE: the stage checkpoints the step it is at
    (none is due: checkpoint_every is past the end), exits 75 naming the step, and resumes exactly."""
    from align_worker.trainer import STOP_FILE
    workspace, _, url, expected, _ = setup
    plan = arith_plan(steps=STEPS, checkpoint_every=100, warmup=2, grad_accum=2)
    path = pb.write(plan, workspace / "plan-stop.json")
    run_dir = workspace / "stopped"
    run_dir.mkdir()
    (run_dir / STOP_FILE).touch()
    r = run_cli(cgpo_args(path, run_dir, url))
    assert r.returncode == 75, r.stderr
    assert "align-worker: stopped: stage 'cgpo' checkpointed at step 1 of 6" in r.stderr
    assert [p.name for p in ckpt.list_checkpoints(run_dir / "cgpo")] == ["step-00000001"]
    (run_dir / STOP_FILE).unlink()
    r = run_cli(cgpo_args(path, run_dir, url, resume=True))
    assert r.returncode == 0, r.stderr
    got = final_params(run_dir)
    for k in expected:
        assert torch.equal(got[k], expected[k]), k


def test_ppo_resume_restores_the_value_model_and_its_optimizer(setup):
    """A PPO stage stopped after step 1 resumes to the uninterrupted run's exact policy: the
    advantages of steps 2-3 come from the value model, so a critic (or its AdamW moments) not
    restored from the checkpoint would change them."""
    from align_worker.trainer import STOP_FILE
    workspace, _, url, _, _ = setup
    opt = pb.optimizer("ppo", generations=4, max_tokens=3, value_model={"model": "critic"}, value_lr=1e-3,
                       ppo_epochs=2)
    plan = arith_plan(steps=3, tasks={"arith": pb.task(["train"], "correct", ["math"], opt, batch_size=4)},
                      checkpoint_every=100)
    plan["models"]["critic"] = pb.builtin_model(layers=1, width=32, heads=2, context=24)
    path = pb.write(plan, workspace / "plan-ppo.json")
    reference, stopped = workspace / "ppo-ref", workspace / "ppo-stopped"
    r = run_cli(cgpo_args(path, reference, url))
    assert r.returncode == 0, r.stderr
    stopped.mkdir()
    (stopped / STOP_FILE).touch()
    assert run_cli(cgpo_args(path, stopped, url)).returncode == 75
    (checkpoint,) = ckpt.list_checkpoints(stopped / "cgpo")
    saved = ckpt.load_pt(checkpoint / "companions.pt")
    assert set(saved) == {"value_model:critic"} and set(saved["value_model:critic"]) == {"model", "optimizer"}
    (stopped / STOP_FILE).unlink()
    r = run_cli(cgpo_args(path, stopped, url, resume=True))
    assert r.returncode == 0, r.stderr
    expected, got = final_params(reference), final_params(stopped)
    for k in expected:
        assert torch.equal(got[k], expected[k]), k
    values = [m["value_loss"] for m in read_jsonl(stopped / "cgpo" / "metrics.jsonl") if m.get("task") == "arith"]
    assert len(values) == 3 and all(v > 0 for v in values)
