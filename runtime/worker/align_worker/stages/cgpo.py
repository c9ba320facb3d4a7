"""CGPO: per step and task, sample, judge, score, and add ρ_l · loss_l; one optimizer step."""

from __future__ import annotations

import contextlib
from typing import Any, Dict, List, Tuple

from ..context import RunContext
from ..data import Order, load_rows
from ..distributed import wrap
from ..generation import generate
from .. import sharded
from ..frozen import AdaptersOff, FrozenModels, lockstep
from ..errors import UserError
from ..models import DTYPES, LanguageModel, disable_dropout, load_model
from ..objectives import Work, build_work, inner_updates, token_count
from ..plan import TaskSpec
from ..replica import RolloutWeights
from ..rewards import RewardFunction
from ..rollout import GEN_CHUNK, judge_samples, make_rollout, rollout_metrics
from ..sample_log import SAMPLES_FILE, SampleLog, sample_rows
from ..seeding import seed_everything
from ..tokenizer import system_of
from ..trainer import Trainer, shards_policy, training_mode
from ..value import ValueModel, value_network


class TaskState:
    """A task's prompt pool, its resumable order, its reward function and judge calls."""

    def __init__(self, ctx: RunContext, task: TaskSpec, client, frozen: FrozenModels) -> None:
        spec = ctx.spec
        self.task = task
        self.rows: List[Dict[str, Any]] = []
        for src in task.prompts:
            self.rows += load_rows(src, ctx.base_dir, ctx.run_dir)
        shuffle = any(s.dataset is None or s.dataset.shuffle for s in task.prompts)
        self.order = Order(len(self.rows), spec.seed, shuffle, f"{spec.name}/{task.name}")
        self.per_step = task.batch_size * spec.training.grad_accum
        no_judges = not task.judges and task.reward.source["type"] != "judge"
        self.judge = judge_samples(client, task.name, f"{task.name}", no_judges)
        self.reward = RewardFunction(task.reward, frozen.reward(task.reward), self.judge,
                                     _baseline_generator(task, frozen), collective=frozen.shard)

    def batch(self, step: int) -> Tuple[List[int], List[Dict[str, Any]]]:
        start = step * self.per_step
        positions = list(range(start, start + self.per_step))
        return positions, [self.rows[i] for i in self.order.take(start, self.per_step)]


def _baseline_generator(task: TaskSpec, frozen: FrozenModels):
    """ā generated once per prompt, greedily, by the baseline model (`generated(model)`), loaded
    on first use and shared with every task and role that names the same model."""
    model_spec = task.reward.baseline_model
    if model_spec is None:
        return None

    def gen(prompts: List[str], rows: List[Dict[str, Any]]) -> List[str]:
        lm = frozen.model(model_spec)
        ids = [lm.tokenizer.encode_prompt(p, system_of(r)) for p, r in zip(prompts, rows)]
        out: List[str] = []
        calls = lockstep(frozen.sync, len(ids), GEN_CHUNK)    # the same on every rank
        # Sharded: decoded through a copy gathered once for the call when it fits (replica.py).
        weights = frozen.generation_weights(model_spec) if calls else None
        longest = max((len(i) for i in ids), default=1) + task.optimizer.max_tokens
        phase = (weights.phase(min(len(ids), GEN_CHUNK), longest) if weights is not None
                 else contextlib.nullcontext((lm.module, None)))
        with phase as (module, all_done):
            for i in range(calls):
                part = ids[i * GEN_CHUNK:(i + 1) * GEN_CHUNK]
                s = generate(lm, part or [[lm.tokenizer.eos_id]], [0] * max(1, len(part)), 0.0, 1.0,
                             task.optimizer.max_tokens, module=module, all_done=all_done)
                out += [lm.tokenizer.decode(t) for t in s.tokens[:len(part)]]
        return out
    return gen


def value_models(ctx: RunContext, policy: LanguageModel) -> Dict[str, ValueModel]:
    """PPO tasks' value models by name, one per distinct declaration (tasks naming the same one
    share it), each with its own AdamW (the stage's weight decay and clip, the task's value_lr)."""
    spec, out = ctx.spec, {}
    for task in spec.tasks:
        vm = task.optimizer.value_model
        if task.optimizer.variant != "ppo" or vm is None or vm.name in out:
            continue
        where = f"{task.pointer}/optimizer/value_model"
        module, tok, context = value_network(vm, policy, spec.seed, ctx.base_dir, ctx.run_dir, ctx.dist.device, where)
        if context < policy.context:
            raise UserError(f"{where}: the value model's context ({context}) is shorter than the policy's "
                            f"({policy.context})")
        out[vm.name] = ValueModel(module, task.optimizer.value_lr, spec.training.weight_decay,
                                  spec.training.clip, policy.tokenizer.pad_id, policy.context, tok)
    return out


def save_value_models(ctx: RunContext, critics: Dict[str, ValueModel]) -> None:
    """Each trained value model in the stage's model/value/<name>/ (docs/optimizers.md, "PPO")."""
    if ctx.dist.is_main:
        for name, critic in critics.items():
            critic.save(ctx.stage_dir / "model" / "value" / name)
    ctx.dist.barrier()


def needs_judges(task: TaskSpec) -> bool:
    return bool(task.judges) or task.reward.source["type"] == "judge"


def run(ctx: RunContext) -> Dict[str, Any]:
    spec, d = ctx.spec, ctx.dist
    seed_everything(spec.seed, d.rank)
    policy = load_model(spec.model, spec.seed, ctx.base_dir, ctx.run_dir, d.device, trainable=True,
                        shard=shards_policy(ctx))
    disable_dropout(policy.module)
    fsdp = training_mode(ctx, policy) == "fsdp"
    # Frozen models are sharded with the policy (FSDP2, read per shard) where torch has FSDP2;
    # else the reference is wrapped like the policy (FSDP1) once the trainer has wrapped it.
    frozen = FrozenModels(ctx, shard=fsdp and sharded.available())
    reference = frozen.reference(spec.reference, policy, spec.model)
    judged = [t.name for t in spec.tasks if needs_judges(t)]
    client = ctx.judge_client(f"stage {spec.name!r} (tasks {', '.join(judged)})") if judged else None
    tasks = [TaskState(ctx, t, client, frozen) for t in spec.tasks]
    trainer = Trainer(ctx, policy, spec.fields["steps"], spec.fields["lr"])
    # An FSDP policy decodes through a copy gathered once per rollout phase when it fits (replica.py).
    weights = RolloutWeights(policy, d, DTYPES[spec.model.dtype], spec.name) if fsdp else None
    critics = value_models(ctx, policy)
    trainer.companions = {f"value_model:{name}": c for name, c in critics.items()}
    trainer.prepare_run_dir()
    samples = SampleLog(ctx.stage_dir / SAMPLES_FILE, d.is_main, spec.fields["steps"])
    samples.truncate_after(trainer.start_step)
    if fsdp and not frozen.shard and not isinstance(reference, AdaptersOff):
        reference.module = wrap(reference.module, d, "fsdp", DTYPES[spec.model.dtype])
    norm, micro = spec.training.loss_norm, spec.training.micro_batch_size or 1 << 30

    def step_fn(step: int):
        phases: List[List[Work]] = [[]]        # phases[e]: the work of inner update e
        records, tokens = [], 0
        for ts in tasks:
            positions, rows = ts.batch(step)
            r = make_rollout(ts.task, step, positions, rows, policy, reference, ts.reward, ts.judge,
                             spec.seed, spec.name, d.rank, d.world,
                             gen_module=policy.module if fsdp else None,
                             all_done=(lambda done: d.reduce_max(0.0 if done else 1.0) == 0.0) if fsdp else None,
                             sync=d.reduce_max if fsdp else None, weights=weights)
            record = rollout_metrics(r, d.reduce_sum, d.reduce_max)
            if samples.wanted(step + 1):
                samples.write(sample_rows(r, step + 1))
            record["weight"] = ts.task.weight
            vm = ts.task.optimizer.value_model
            items = build_work(r, policy, d, norm, micro, record, critics.get(vm.name) if vm else None)
            for e in range(inner_updates(ts.task)):
                phases += [[] for _ in range(e + 1 - len(phases))]
                phases[e] += items
            records.append(record)
            tokens += token_count(r)
        return phases[0], {"tasks": records, "tokens": tokens, "inner_updates": phases[1:]}
    trainer.run(step_fn)
    save_value_models(ctx, critics)
    return {"steps": spec.fields["steps"]}

