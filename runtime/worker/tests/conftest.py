"""Shared fixtures: a tiny built-in model, the arithmetic data, a loopback judge server."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

WORKER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(WORKER))

from align_worker import arith, planbuild as pb  # noqa: E402
from align_worker.devserver import JudgeApp, serve  # noqa: E402
from align_worker.model_builtin import BuiltinConfig, TinyLM  # noqa: E402
from align_worker.models import LanguageModel  # noqa: E402
from align_worker.tokenizer import ByteTokenizer  # noqa: E402

torch.set_num_threads(1)


def tiny_lm(seed=0, layers=1, width=32, heads=2, context=32) -> LanguageModel:
    torch.manual_seed(seed)
    cfg = BuiltinConfig(layers, width, heads, context)
    return LanguageModel(TinyLM(cfg), ByteTokenizer(), "builtin", context, {"type": "builtin",
                                                                            "config": cfg.to_dict()})


@pytest.fixture
def lm():
    return tiny_lm()


@pytest.fixture
def workspace(tmp_path):
    """A directory with arithmetic train/test data (plan paths resolve against it)."""
    train, test = arith.split(seed=0, max_operand=9, n_test=20)
    arith.write_jsonl(train, tmp_path / "train.jsonl")
    arith.write_jsonl(test, tmp_path / "test.jsonl")
    return tmp_path


@pytest.fixture
def judge_server():
    """Start a judge server for a plan: judge_server(plan, **faults) -> base URL."""
    servers = []

    def start(plan, **faults):
        app = JudgeApp(plan, **faults)
        server = serve(app)
        servers.append(server)
        start.app = app
        return f"http://127.0.0.1:{server.server_address[1]}"
    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


ARITH_FIELDS = {"prompt": "prompt", "answer": "answer", "response": "response"}


def arith_plan(variant="crpg", steps=3, tasks=None, k=4, batch=4, **training):
    """A plan with a tiny model, arithmetic data, a math judge, and sft/cgpo/generate/eval stages."""
    opt = pb.optimizer(variant, generations=k, max_tokens=3, **({"kl_max": 2.0} if variant in ("crpg", "crraft") else {}))
    tasks = tasks or {"arith": pb.task(["train"], "correct", ["math"], opt, batch_size=batch)}
    return pb.plan(
        seed=7, models={"tiny": pb.builtin_model(layers=1, width=32, heads=2, context=24)},
        rewards={"correct": pb.judge_reward("math")},
        datasets={"train": pb.jsonl_dataset("train.jsonl", ARITH_FIELDS),
                  "test": pb.jsonl_dataset("test.jsonl", ARITH_FIELDS, shuffle=False)},
        judges={"math": pb.math_judge()}, tasks=tasks,
        stages={"sft": pb.sft_stage({"model": "tiny"}, [{"dataset": "train"}], epochs=1, batch_size=8,
                                    **{"checkpoint_every": 0, **training}),
                "cgpo": pb.cgpo_stage({"model": "tiny"}, list(tasks), steps=steps, lr=1e-3, **training)})


def run_cli(args, env_extra=None, timeout=240):
    """Run `python -m align_worker ...` in a subprocess; returns the CompletedProcess."""
    env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "align_worker", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def spawn_ranks(path, run_dirs, url=None, stage="cgpo", resume=False, env_extra=None):
    """One worker process per run directory (rank i uses run_dirs[i]), launched the way torchrun
    does (env vars, gloo on CPU); returns [(exit code, stderr)] in rank order."""
    port, world, procs = str(free_port()), len(run_dirs), []
    for rank, run_dir in enumerate(run_dirs):
        env = dict(os.environ, PYTHONPATH=str(WORKER), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=port, RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                   **(env_extra or {}))
        args = ["run", "--plan", str(path), "--stage", stage, "--run-dir", str(run_dir), "--cpu"]
        args += (["--judge-url", url] if url else []) + (["--resume"] if resume else [])
        procs.append(subprocess.Popen([sys.executable, "-m", "align_worker", *args], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return [(p.returncode, err) for p, (_, err) in ((p, p.communicate(timeout=300)) for p in procs)]
