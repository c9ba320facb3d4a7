"""Two CPU ranks (gloo, env-var launch) end with the parameters of one rank on the same global batch."""

import shutil

import pytest
import torch

from align_worker import planbuild as pb
from align_worker.distributed import Dist, choose_mode, cpu_fsdp_supported
from conftest import arith_plan, read_jsonl, run_cli, spawn_ranks


def launch(path, run_dir, url, world, stage="cgpo", resume=False):
    results = spawn_ranks(path, [run_dir] * world, url, stage, resume)
    assert all(code == 0 for code, _ in results), "\n".join(
        f"rank {r}: exit {code}\n{err}" for r, (code, err) in enumerate(results))
    return torch.load(run_dir / stage / "model" / "model.pt")


def test_two_gloo_ranks_match_one_rank(workspace, judge_server):
    # CRPG's batch mean is reduced across ranks; micro-batches and an odd split of valid samples
    # exercise the global denominators and the padding of work items.
    plan = arith_plan(steps=3, batch=4, k=3, micro_batch_size=2, checkpoint_every=0)
    # A random built-in reward model gives every sample a different reward; a contains-judge makes
    # some samples infeasible. (An untrained model never answers arithmetic, so R would be all 0.)
    plan["rewards"]["correct"] = {"from": {"type": "builtin", "layers": 1, "width": 16, "heads": 2,
                                           "context": 24, "vocab": 259},
                                  "kind": "scalar", "baseline": {"type": "none"}}
    plan["judges"]["math"] = {"variant": "contains", "on_error": "violated", "scope": None,
                              "values": ["a", "e", "i", "o", "u"], "mode": "none", "case_sensitive": False}
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    one = launch(path, workspace / "one", url, world=1)
    two = launch(path, workspace / "two", url, world=2)
    initial = launch_initial(workspace, plan)
    moved = max((one[k] - initial[k]).abs().max().item() for k in one)
    assert moved > 1e-4                                   # training changed the model
    for k in one:
        assert torch.allclose(one[k], two[k], atol=2e-5, rtol=1e-4), k


def test_ppo_on_two_gloo_ranks_matches_one_rank(workspace, judge_server):
    # The value model is not DDP-wrapped: its gradients are summed over ranks by hand. Its
    # estimates set the policy's advantages from step 2 on, so a wrong reduction shows in the policy.
    # Advantages are whitened with the global batch's mean and variance (summed over ranks).
    plan = varied_plan()
    opt = pb.optimizer("ppo", generations=3, max_tokens=3, value_model={"model": "critic"}, value_lr=1e-3,
                       ppo_epochs=2, whiten_advantages=True)
    plan["tasks"]["arith"]["optimizer"] = opt
    plan["models"]["critic"] = pb.builtin_model(layers=1, width=32, heads=2, context=24)
    path = pb.write(plan, workspace / "plan-ppo.json")
    url = judge_server(plan)
    one = launch(path, workspace / "ppo-one", url, world=1)
    two = launch(path, workspace / "ppo-two", url, world=2)
    for k in one:
        assert torch.allclose(one[k], two[k], atol=2e-5, rtol=1e-4), k


def launch_initial(workspace, plan):
    """The initial weights, for checking that the runs actually trained."""
    from align_worker.models import load_model
    from align_worker.plan import parse_stage
    from align_worker.pointer import Node
    spec = parse_stage(Node(plan), "cgpo")
    lm = load_model(spec.model, spec.seed, workspace, workspace, torch.device("cpu"), trainable=True)
    return {k: v.detach().clone() for k, v in lm.module.state_dict().items()}


# ----- FSDP (full shard) over gloo: torch >= 2.1 runs it on CPU; Debian's 1.13 cannot ---------

needs_cpu_fsdp = pytest.mark.skipif(not cpu_fsdp_supported(),
                                    reason=f"FSDP on CPU needs torch >= 2.1, this is {torch.__version__}")


def varied_plan(**training):
    """The plan of the DDP test: a random reward model and a judge that fails some samples."""
    plan = arith_plan(steps=3, batch=4, k=3, micro_batch_size=2, **{"checkpoint_every": 0, **training})
    plan["rewards"]["correct"] = {"from": {"type": "builtin", "layers": 1, "width": 16, "heads": 2,
                                           "context": 24, "vocab": 259},
                                  "kind": "scalar", "baseline": {"type": "none"}}
    plan["judges"]["math"] = {"variant": "contains", "on_error": "violated", "scope": None,
                              "values": ["a", "e", "i", "o", "u"], "mode": "none", "case_sensitive": False}
    return plan


@needs_cpu_fsdp
@pytest.mark.parametrize("stage", ["cgpo", "sft"])
def test_fsdp_two_ranks_match_one_rank(workspace, judge_server, stage):
    # Strong weight decay: FSDP flattens each shard to 1-d, and the decay groups must still be
    # the matrices of the unwrapped model (biases and norms take none).
    plan = varied_plan(weight_decay=5.0)
    plan["cluster"]["sharding"] = "fsdp"
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    one = launch(path, workspace / "one", url, world=1, stage=stage)
    two = launch(path, workspace / "two", url, world=2, stage=stage)
    initial = launch_initial(workspace, plan)
    assert max((one[k] - initial[k]).abs().max().item() for k in one) > 1e-4
    assert one.keys() == two.keys()
    for k in one:
        assert torch.allclose(one[k], two[k], atol=2e-5, rtol=1e-4), k


@pytest.mark.parametrize("sharding", [pytest.param("fsdp", marks=needs_cpu_fsdp), "ddp"])
def test_two_rank_resume_from_a_checkpoint_is_exact(workspace, judge_server, sharding):
    plan = varied_plan(weight_decay=0.1, checkpoint_every=1)
    plan["stages"]["cgpo"]["steps"] = 4
    plan["cluster"]["sharding"] = sharding
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    run_dir = workspace / "fsdp"
    full = launch(path, run_dir, url, world=2)
    # Forget everything after step 2, as if the job had died there, and resume.
    stage_dir = run_dir / "cgpo"
    for ck in (stage_dir / "checkpoints").iterdir():
        if int(ck.name.split("-")[1]) > 2:
            shutil.rmtree(ck)
    shutil.rmtree(stage_dir / "model")
    resumed = launch(path, run_dir, url, world=2, resume=True)
    for k in full:
        assert torch.equal(full[k], resumed[k]), k
    steps = [r["step"] for r in read_jsonl(stage_dir / "metrics.jsonl") if r.get("task") is None]
    assert steps == [1, 2, 3, 4]


@needs_cpu_fsdp
def test_fsdp_bf16_mixed_precision_computes_in_bf16_over_fp32_weights(workspace, judge_server):
    plan = varied_plan()
    plan["cluster"]["sharding"] = "fsdp"
    path = pb.write(plan, workspace / "fp32.json")
    url = judge_server(plan)
    launch(path, workspace / "fp32", url, world=2)
    plan["models"]["tiny"]["dtype"] = "bf16"
    path = pb.write(plan, workspace / "bf16.json")
    bf16 = launch(path, workspace / "bf16", url, world=2)
    initial = launch_initial(workspace, plan)
    for k in bf16:
        assert bf16[k].dtype == torch.float32 and torch.isfinite(bf16[k]).all(), k   # fp32 masters
    assert max((bf16[k] - initial[k]).abs().max().item() for k in bf16) > 1e-4

    def first_step(run):
        rows = read_jsonl(workspace / run / "cgpo" / "metrics.jsonl")
        return next(r for r in rows if r["step"] == 1 and r.get("task") is None)
    # Step 1 starts from the same weights and samples: only the forward's precision differs.
    l32, l16 = first_step("fp32")["loss"], first_step("bf16")["loss"]
    assert l16 != l32 and abs(l16 - l32) <= 0.05 * abs(l32) + 1e-3


@pytest.mark.skipif(cpu_fsdp_supported(), reason="this torch runs FSDP on CPU")
def test_fsdp_on_cpu_with_an_old_torch_is_a_clear_error(workspace, judge_server):
    plan = varied_plan()
    plan["cluster"]["sharding"] = "fsdp"
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    with pytest.raises(AssertionError) as err:
        launch(path, workspace / "old", url, world=2)
    assert "/cluster/sharding: fsdp on CPU needs torch >= 2.1" in str(err.value)
    assert "Traceback" not in str(err.value)


def test_auto_sharding_follows_the_compiler_estimate_on_gpu():
    gpu = Dist(rank=0, world=8, device=torch.device("cuda", 0))
    cpu = Dist(rank=0, world=2)
    assert choose_mode(Dist(), "auto", 10**9, None, "fsdp") == "single"
    assert choose_mode(gpu, "auto", 10, 80e9, "fsdp") == "fsdp"      # the estimate beats the 16 B/param rule
    assert choose_mode(gpu, "auto", 10**11, 80e9, "ddp") == "ddp"
    assert choose_mode(gpu, "auto", 10, 80e9, None) == "ddp"          # no estimate: 160 B fits
    assert choose_mode(gpu, "auto", 10**10, 80e9, None) == "fsdp"     # 160 GB does not
    assert choose_mode(gpu, "ddp", 10**11, 80e9, "fsdp") == "ddp"     # declared sharding wins
    assert choose_mode(cpu, "auto", 10**11, None, "fsdp") == "ddp"    # CPU: replicate unless told


def test_the_worker_reads_the_estimate_of_its_stage(workspace):
    from align_worker.plan import parse_stage
    from align_worker.pointer import Node
    plan = varied_plan()
    plan["estimates"] = {"cgpo": {"per_gpu_bytes": 1, "gpu_memory_bytes": None, "fits": None,
                                  "sharding": "fsdp", "breakdown": {}}}
    assert parse_stage(Node(plan), "cgpo").estimated_sharding == "fsdp"
    assert parse_stage(Node(plan), "sft").estimated_sharding is None


@pytest.mark.parametrize("env, message", [
    ({"WORLD_SIZE": "2", "RANK": "0"}, "WORLD_SIZE is 2 but MASTER_ADDR/MASTER_PORT are not set"),
    ({"WORLD_SIZE": "two"}, "WORLD_SIZE must be an integer, got 'two'"),
    ({"WORLD_SIZE": "2", "RANK": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "1"},
     "RANK 2 is outside WORLD_SIZE 2"),
])
def test_a_broken_launch_environment_is_one_clear_line(workspace, env, message):
    path = pb.write(varied_plan(), workspace / "plan.json")
    clean = {k: "" for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    r = run_cli(["run", "--plan", str(path), "--stage", "sft", "--run-dir", str(workspace / "run"), "--cpu"],
                env_extra={**clean, **env})
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr


def test_resume_on_ranks_that_see_different_checkpoints_is_a_clear_error(workspace, judge_server):
    """A run directory that is not shared across nodes: rank 1 finds no checkpoint."""
    plan = varied_plan(checkpoint_every=1)
    path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    launch(path, workspace / "node0", url, world=2)
    results = spawn_ranks(path, [workspace / "node0", workspace / "node1"], url, resume=True)
    for code, err in results:
        assert code == 2, err
        assert "--resume: ranks see different checkpoints" in err and "every node shares" in err
        assert "Traceback" not in err
