"""Metric sinks (docs/report.md): TensorBoard event files and W&B offline runs hold the scalars of
metrics.jsonl; a sink that cannot start warns once and the stage still finishes with its metrics.
Which tests run depends on the interpreter: Debian's torch 1.13 has no tensorboard, .venv-worker
has it; wandb runs where it is installed."""

import glob
import importlib.util
import json
import struct
from pathlib import Path

import pytest

from align_worker import planbuild as pb
from align_worker.sinks import scalars
from conftest import arith_plan, read_jsonl, run_cli

HAS_TENSORBOARD = importlib.util.find_spec("tensorboard") is not None
HAS_WANDB = importlib.util.find_spec("wandb") is not None


def run_sft(workspace, tracking, env=None):
    """The sft stage (no judges, 3 steps) with `tracking` in the plan's recipe section."""
    plan = arith_plan()
    plan["recipe"]["tracking"] = tracking
    path = pb.write(plan, workspace / "plan.json")
    run_dir = workspace / "run"
    r = run_cli(["run", "--plan", str(path), "--stage", "sft", "--run-dir", str(run_dir), "--cpu"], env)
    return r, run_dir / "sft"


def losses(stage_dir):
    return {m["step"]: m["loss"] for m in read_jsonl(stage_dir / "metrics.jsonl") if m["task"] is None}


def test_scalars_flatten_a_metrics_line():
    line = {"stage": "rl", "step": 3, "task": "arith", "loss": 0.5, "feasible_rate_by_judge": {"fmt": 0.75},
            "kl_gate_mean": None, "world_size": 1, "weight": 1, "flag": True}
    assert scalars(line) == {"arith/loss": 0.5, "arith/feasible_rate_by_judge/fmt": 0.75, "arith/weight": 1.0}
    assert scalars({"step": 1, "task": None, "loss": 2.0}) == {"all/loss": 2.0}


@pytest.mark.skipif(not HAS_TENSORBOARD, reason="tensorboard is not installed in this interpreter")
def test_tensorboard_event_files_hold_every_step_of_the_metrics(workspace):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    r, stage_dir = run_sft(workspace, {"tensorboard": True, "wandb": None})
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    events = EventAccumulator(str(stage_dir / "tensorboard"))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"all/loss", "all/lr", "all/grad_norm", "all/tokens_per_s", "all/peak_memory_bytes"} <= tags
    written = {e.step: e.value for e in events.Scalars("all/loss")}
    expected = losses(stage_dir)
    assert sorted(written) == sorted(expected) and len(expected) > 0
    for step, loss in expected.items():
        assert written[step] == pytest.approx(loss, rel=1e-6)   # stored as float32


@pytest.mark.skipif(HAS_TENSORBOARD, reason="tensorboard is installed: the sink works here")
def test_without_tensorboard_the_stage_warns_once_and_finishes(workspace):
    r, stage_dir = run_sft(workspace, {"tensorboard": True, "wandb": None})
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("align-worker: warning: tensorboard sink off") == 1, r.stderr
    assert "not installed" in r.stderr
    assert len(losses(stage_dir)) > 0


def test_a_sink_that_cannot_start_warns_once_and_the_metrics_are_complete(workspace):
    (workspace / "run" / "sft").mkdir(parents=True)
    (workspace / "run" / "sft" / "tensorboard").write_text("a file where the event directory should be")
    r, stage_dir = run_sft(workspace, {"tensorboard": True, "wandb": None})
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("align-worker: warning: tensorboard sink off") == 1, r.stderr
    assert json.loads((stage_dir / "result.json").read_text())["status"] == "done"
    assert sorted(losses(stage_dir)) == list(range(1, len(losses(stage_dir)) + 1))


def test_online_wandb_without_its_key_warns_once_and_names_only_the_variable(workspace):
    wandb = {"project": "p", "entity": None, "mode": "online", "api_key": {"env": "ALIGN_TEST_WANDB_KEY"}, "tags": []}
    r, stage_dir = run_sft(workspace, {"tensorboard": False, "wandb": wandb}, {"ALIGN_TEST_WANDB_KEY": ""})
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("align-worker: warning: wandb sink off") == 1, r.stderr
    assert "$ALIGN_TEST_WANDB_KEY" in r.stderr
    assert not (stage_dir / "wandb").exists()


@pytest.mark.skipif(HAS_WANDB, reason="wandb is installed: the sink works here")
def test_without_wandb_the_stage_warns_once_and_finishes(workspace):
    wandb = {"project": "p", "entity": None, "mode": "offline", "api_key": None, "tags": []}
    r, stage_dir = run_sft(workspace, {"tensorboard": False, "wandb": wandb})
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("align-worker: warning: wandb sink off: wandb is not installed") == 1, r.stderr
    assert len(losses(stage_dir)) > 0


def offline_history(run_file):
    """The `history` records of an offline .wandb file, as {key: value} per logged step. The file
    is a LevelDB-style log (`:W&B` header, then 32 KiB blocks of checksummed chunks, each record
    FULL or FIRST..LAST) of wandb's own protobuf `Record`s, read here without wandb's internals."""
    from wandb.proto import wandb_internal_pb2
    data = Path(run_file).read_bytes()
    assert data[:4] == b":W&B", data[:8]
    block, pos, pending, rows = 32768, 7, b"", []
    while pos + 7 <= len(data):
        left = block - pos % block
        _crc, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        if left < 7 or (kind == 0 and length == 0):    # zero padding to the end of a block
            pos += left
            continue
        pending += data[pos + 7:pos + 7 + length]
        pos += 7 + length
        if kind in (1, 4):                              # FULL, or the LAST chunk of a record
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            pending = b""
            if record.WhichOneof("record_type") == "history":
                rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                             for item in record.history.item})
    return rows


@pytest.mark.skipif(not HAS_WANDB, reason="wandb is not installed in this interpreter")
def test_wandb_offline_run_directory_holds_the_logged_history(workspace):
    wandb = {"project": "align-test", "entity": None, "mode": "offline", "api_key": None, "tags": ["test"]}
    r, stage_dir = run_sft(workspace, {"tensorboard": False, "wandb": wandb}, {"WANDB_API_KEY": ""})
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    runs = glob.glob(str(stage_dir / "wandb" / "offline-run-*" / "run-*.wandb"))
    assert len(runs) == 1, runs
    history = offline_history(runs[0])
    logged = {row["_step"]: row["all/loss"] for row in history if "all/loss" in row}
    expected = losses(stage_dir)
    assert sorted(logged) == sorted(expected)
    for step, loss in expected.items():
        assert logged[step] == pytest.approx(loss)
