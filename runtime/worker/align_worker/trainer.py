"""The optimisation loop shared by sft, dpo and cgpo: accumulation, clipping, AdamW step,
schedule, metrics, atomic checkpoints and exact resume.

A stage supplies `step_fn(step) -> (work, metrics)`: `work` is a list of closures, each doing one
micro-batch forward and returning its (already normalised and weighted) loss. The trainer runs
the backward passes so every rank does the same number of them and gradients sync once.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from . import checkpoint as ckpt
from . import sharded, sharded_checkpoint
from .context import RunContext
from .distributed import choose_mode, no_sync, wrap
from .errors import ResumeError, StopRequested, UserError
from .metrics import MetricsWriter, peak_memory_bytes
from .sinks import Sinks
from .models import DTYPES, LanguageModel, save_model
from .optim import clip_gradients, decay_split, make_optimizer, make_scheduler
from .seeding import rng_state, set_rng_state

#: A file in the run directory that asks every training stage to checkpoint after its current
#: step and stop (exit 75): launchers write it on preemption or before a time limit (docs/launch.md).
STOP_FILE = ".align-checkpoint-and-stop"

Work = Callable[[], torch.Tensor]
StepFn = Callable[[int], Tuple[List[Work], Dict[str, Any]]]


def training_mode(ctx: RunContext, policy: LanguageModel) -> str:
    """single, ddp or fsdp for this stage's trained model (stages shard frozen models alike)."""
    spec = ctx.spec
    n_params = sum(p.numel() for p in policy.module.parameters() if p.requires_grad)
    return choose_mode(ctx.dist, spec.sharding, n_params, spec.gpu_memory, spec.estimated_sharding)


def shards_policy(ctx: RunContext) -> bool:
    """Whether the trained model will be FSDP-sharded, known before it is loaded (`sharding =
    fsdp`, or the compiler's resolution of `auto` on GPUs): it is then built on the meta device
    and read unit by unit as FSDP wraps it, and the stage's frozen models are sharded (FSDP2)."""
    spec, d = ctx.spec, ctx.dist
    planned = spec.sharding == "fsdp" or (spec.sharding == "auto" and d.device.type == "cuda"
                                          and spec.estimated_sharding == "fsdp")
    return planned and d.world > 1 and sharded.available()


class Trainer:
    def __init__(self, ctx: RunContext, policy: LanguageModel, total_steps: int, lr: float) -> None:
        self.ctx, self.policy, self.total = ctx, policy, total_steps
        spec, d = ctx.spec, ctx.dist
        assert spec.training is not None and spec.model is not None
        self.training = spec.training
        self.mode = training_mode(ctx, policy)
        d.mode = self.mode
        split = decay_split(policy.module.parameters())        # before FSDP flattens the shapes
        policy.module = wrap(policy.module, d, self.mode, DTYPES[spec.model.dtype], policy.param_init)
        policy.param_init = None
        self.opt = make_optimizer(policy.module.parameters(), lr, spec.training.weight_decay, split)
        self.sched = make_scheduler(self.opt, total_steps, spec.training.warmup, spec.training.schedule)
        sinks = Sinks(spec.tracking, spec.name, ctx.stage_dir, {"variant": spec.variant, **spec.fields})
        self.metrics = MetricsWriter(ctx.stage_dir / "metrics.jsonl", d.is_main, spec.name, total_steps, sinks)
        self.start_step = 0
        self.state_extra: Dict[str, Any] = {}
        # Models trained beside the policy by their own optimizers (PPO's value models): each
        # has step(reduce_sum, scale), state_dict() and load_state_dict(); set before
        # prepare_run_dir so a resume restores them, stepped after every policy update.
        self.companions: Dict[str, Any] = {}

    # ----- resume -----------------------------------------------------------------------------
    def prepare_run_dir(self) -> None:
        """Fresh run: refuse to clobber checkpoints. --resume: load the newest checkpoint."""
        stage_dir, d = self.ctx.stage_dir, self.ctx.dist
        if d.is_main:
            stage_dir.mkdir(parents=True, exist_ok=True)
            ckpt.clean_temp(stage_dir)
        d.barrier()
        if not self.ctx.resume:
            if ckpt.list_checkpoints(stage_dir):
                raise UserError(f"{stage_dir} already has checkpoints of stage {self.ctx.spec.name!r}; "
                                f"pass --resume to continue it, or use a new --run-dir")
            if d.is_main and self.metrics.path.exists():
                self.metrics.path.unlink()
            return
        found = ckpt.load_latest(stage_dir, self.ctx.spec.config)
        self._agree_on_resume_step(0 if found is None else int(found["state"]["step"]))
        if found is None:
            print(f"[{self.ctx.spec.name}] --resume: no checkpoint yet, starting at step 0", flush=True)
            self.metrics.truncate_after(0)   # lines of steps that ran before the kill will rerun
            return
        self._restore(found)

    def _agree_on_resume_step(self, step: int) -> None:
        """Every rank must resume from the same step; a node that sees another checkpoint (or
        none) has a run directory that is not shared, and would otherwise deadlock or diverge."""
        d = self.ctx.dist
        if d.world == 1:
            return
        low, high = -d.reduce_max(-float(step)), d.reduce_max(float(step))
        if low != high:
            raise UserError(f"--resume: ranks see different checkpoints in {self.ctx.stage_dir} "
                            f"(steps {int(low)} to {int(high)}; this is rank {d.rank} at step {step}): "
                            "--run-dir must be on a filesystem every node shares")

    def _restore(self, found: Dict[str, Any]) -> None:
        state, payload, d = found["state"], found["payload"], self.ctx.dist
        if found["sharded"]:
            payload = sharded_checkpoint.load(found["path"], self.policy.module, self.opt)
        else:
            self._load_model_and_optimizer(payload["model"], payload["optimizer"])
        self.sched.load_state_dict(payload["scheduler"])
        self._restore_companions(payload.get("companions", {}), found["path"])
        ranks = payload["rng"]
        if len(ranks) == d.world:
            set_rng_state(ranks[d.rank])
        elif not found["sharded"]:
            raise ResumeError(f"checkpoint {found['path']} was written by {len(ranks)} ranks, "
                              f"this run has {d.world}; resume with the same world size")
        elif d.is_main:
            # Sampling seeds are derived per prompt and data order per step; only the streams
            # of dropout-like noise restart (from the seed, as at step 0).
            print(f"[{self.ctx.spec.name}] resuming a checkpoint of {len(ranks)} ranks on {d.world}: "
                  f"model and optimizer resharded, per-rank RNG streams reseeded", file=sys.stderr, flush=True)
        self.start_step = int(state["step"])
        self.state_extra = state.get("extra", {})
        self.metrics.truncate_after(self.start_step)

    def _restore_companions(self, saved: Dict[str, Any], path: Any) -> None:
        missing = sorted(set(self.companions) - set(saved))
        if missing:
            raise ResumeError(f"checkpoint {path} has no state for {', '.join(missing)}; "
                              "resume with the configuration that wrote it")
        for name, companion in self.companions.items():
            companion.load_state_dict(saved[name])

    def _load_model_and_optimizer(self, model_sd: Dict[str, Any], optim_sd: Dict[str, Any]) -> None:
        module = self.policy.module
        if self.mode == "fsdp":
            from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, StateDictType
            with FSDP.state_dict_type(module, StateDictType.FULL_STATE_DICT):
                module.load_state_dict(model_sd)
            self.opt.load_state_dict(FSDP.optim_state_dict_to_load(module, self.opt, optim_sd))
            return
        self.policy.unwrapped().load_state_dict(model_sd)
        self.opt.load_state_dict(optim_sd)

    # ----- one step ---------------------------------------------------------------------------
    def accumulate(self, work: List[Work]) -> float:
        """Run every micro-batch's forward and backward; returns the summed loss of this rank.

        Ranks pad their work to the same count with zero-loss passes (FSDP's collectives and
        DDP's final synchronising backward need every rank to take part); only the last
        backward synchronises DDP gradients. DDP/FSDP average gradients over ranks while our
        losses are already normalised by global counts, hence the factor `world`.
        """
        d = self.ctx.dist
        count = int(d.reduce_max(len(work))) if d.world > 1 else len(work)
        work = list(work) + [self._zero_work] * (count - len(work))
        scale = float(d.world) if self.mode in ("ddp", "fsdp") else 1.0
        total = 0.0
        for i, item in enumerate(work):
            with no_sync(self.policy.module, skip=i < count - 1):
                loss = item()
                (loss * scale).backward()
            total += float(loss.detach())
        return total

    def _zero_work(self) -> torch.Tensor:
        ids = torch.tensor([[self.policy.tokenizer.pad_id] * 2], device=self.policy.device)
        mask = torch.ones_like(ids)
        logits, _ = self.policy.step(ids, mask, torch.arange(2, device=ids.device)[None],
                                     None, module=self.policy.module)
        return logits.float().sum() * 0.0

    def optimizer_step(self, schedule: bool = True) -> Tuple[float, float]:
        """Clip, step, zero; `schedule`: advance the LR schedule (once per stage step, however
        many inner updates the step takes)."""
        lr = self.opt.param_groups[0]["lr"]
        norm = clip_gradients(self.policy.module, self.training.clip)
        self.opt.step()
        if schedule:
            self.sched.step()
        self.opt.zero_grad(set_to_none=True)
        d = self.ctx.dist
        for companion in self.companions.values():
            companion.step(d.reduce_sum if d.world > 1 else None,
                           float(d.world) if self.mode in ("ddp", "fsdp") else 1.0)
        return norm, lr

    def run(self, step_fn: StepFn, extra_state: Optional[Callable[[int], Dict[str, Any]]] = None) -> None:
        """Steps start_step..total-1, then the final model. Metrics and checkpoints on rank 0.
        After each step, a STOP_FILE in the run directory (a launcher's preemption trap writes
        it) makes every rank checkpoint that step and stop with StopRequested."""
        every = self.training.checkpoint_every
        for step in range(self.start_step, self.total):
            t0 = time.time()
            work, info = step_fn(step)
            loss = self.accumulate(work)
            inner = info.pop("inner_updates", [])      # GRPO's ppo_epochs > 1: more updates, same batch
            info["optimizer_updates"] = 1 + len(inner)
            grad_norm, lr = self.optimizer_step(schedule=not inner)
            for i, more in enumerate(inner):
                self.accumulate(more)
                self.optimizer_step(schedule=i == len(inner) - 1)
            self._report(step + 1, time.time() - t0, loss, grad_norm, lr, info)
            if step + 1 == self.total:
                break
            periodic = bool(every) and (step + 1) % every == 0
            stop = self._stop_requested()
            if periodic or stop:
                self.save_checkpoint(step + 1, extra_state(step + 1) if extra_state else {})
            if stop:
                self.metrics.close()
                raise StopRequested(f"stage {self.ctx.spec.name!r} checkpointed at step {step + 1} of "
                                    f"{self.total} ({STOP_FILE} in the run directory); --resume continues")
        self.metrics.close()
        self.save_final()

    def _stop_requested(self) -> bool:
        """Whether any rank sees the stop file; every rank must agree to stop at the same step."""
        seen = (self.ctx.run_dir / STOP_FILE).exists()
        return self.ctx.dist.reduce_max(1.0 if seen else 0.0) > 0

    def _report(self, step: int, dt: float, loss: float, grad_norm: float, lr: float,
                info: Dict[str, Any]) -> None:
        d = self.ctx.dist
        tokens = float(d.reduce_sum(torch.tensor([float(info.pop("tokens", 0))]))[0])
        loss_all = float(d.reduce_sum(torch.tensor([loss]))[0])
        common = {"stage": self.ctx.spec.name, "step": step, "step_time_s": dt, "tokens": tokens,
                  "tokens_per_s": tokens / dt if dt > 0 else None, "lr": lr, "grad_norm": grad_norm,
                  "peak_memory_bytes": peak_memory_bytes(d.device), "world_size": d.world}
        tasks = info.pop("tasks", [])
        for rec in tasks:
            for key in [k for k in rec if k.startswith("_") and k.endswith("_local")]:   # summed over ranks
                rec[key[1:-len("_local")]] = float(d.reduce_sum(torch.tensor([rec.pop(key)]))[0])
            self.metrics.write({**common, **rec})
        summary = {**common, "task": None, "loss": loss_all, **info}
        if tasks:
            summary["reward"] = sum(t.get("reward_calibrated_mean", 0.0) for t in tasks) / len(tasks)
            summary["feasible"] = sum(t.get("feasible_rate", 0.0) for t in tasks) / len(tasks)
        self.metrics.write(summary)
        self.metrics.progress(step, summary)

    # ----- checkpoints --------------------------------------------------------------------------
    def _gather_state(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        module = self.policy.module
        if self.mode == "fsdp":
            from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
            from torch.distributed.fsdp import FullOptimStateDictConfig, FullStateDictConfig, StateDictType
            # Offloading gathers into host memory on GPU. On CPU there is nothing to offload, and
            # torch 2.13 then segfaults (model) or returns optimizer moments that resume wrongly.
            gpu = self.ctx.dist.device.type == "cuda"
            with FSDP.state_dict_type(module, StateDictType.FULL_STATE_DICT,
                                      FullStateDictConfig(offload_to_cpu=gpu, rank0_only=True),
                                      FullOptimStateDictConfig(offload_to_cpu=gpu, rank0_only=True)):
                return module.state_dict(), FSDP.optim_state_dict(module, self.opt)
        return self.policy.unwrapped().state_dict(), self.opt.state_dict()

    def save_checkpoint(self, step: int, extra: Dict[str, Any]) -> None:
        d = self.ctx.dist
        rngs = d.gather_objects(rng_state())
        state = {"step": step, "config_hash": ckpt.config_hash(self.ctx.spec.config),
                 "world_size": d.world, "extra": extra, "time": time.time()}
        if sharded_checkpoint.available():
            small = {"scheduler": self.sched.state_dict(), "rng": rngs, **self._companion_state()}
            sharded_checkpoint.save(self.ctx.stage_dir, step, self.policy.module, self.opt, small, state,
                                    self.ctx.spec.config, d)
            return
        model_sd, optim_sd = self._gather_state()
        if d.is_main:
            payload = {"model": model_sd, "optimizer": optim_sd,
                       "scheduler": self.sched.state_dict(), "rng": rngs, **self._companion_state()}
            ckpt.save_checkpoint(self.ctx.stage_dir, step, payload, state, self.ctx.spec.config)
        d.barrier()

    def _companion_state(self) -> Dict[str, Any]:
        if not self.companions:
            return {}
        return {"companions": {name: c.state_dict() for name, c in self.companions.items()}}

    def export_dtype(self) -> torch.dtype:
        """The final model's dtype: the model's declared one (bf16 by default), not the fp32
        master weights'."""
        return DTYPES[self.ctx.spec.model.dtype]

    def save_final(self) -> None:
        d = self.ctx.dist
        if self.mode == "fsdp" and self.policy.backend == "hf":       # written unit by unit
            from .export import save_from_shards
            save_from_shards(self.policy, self.ctx.stage_dir / "model", d, self.export_dtype())
            return
        model_sd, _ = self._gather_state() if self.mode == "fsdp" else (None, None)
        if d.is_main:
            save_model(self.policy, self.ctx.stage_dir / "model", model_sd, self.export_dtype())
        d.barrier()
