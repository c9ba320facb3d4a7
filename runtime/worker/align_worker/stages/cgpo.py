"""CGPO: per step and task, sample, judge, score, and add ρ_l · loss_l; one optimizer step."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from ..context import RunContext
from ..data import Order, load_rows
from ..distributed import wrap
from ..generation import generate
from ..models import DTYPES, frozen_copy, load_model, load_reward_model
from ..objectives import build_work, token_count
from ..plan import TaskSpec
from ..rewards import RewardFunction
from ..rollout import judge_samples, make_rollout, rollout_metrics
from ..sample_log import SAMPLES_FILE, SampleLog, sample_rows
from ..seeding import seed_everything
from ..trainer import Trainer


class TaskState:
    """A task's prompt pool, its resumable order, its reward function and judge calls."""

    def __init__(self, ctx: RunContext, task: TaskSpec, client, policy) -> None:
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
        self.reward = RewardFunction(task.reward, _score_model(ctx, task), self.judge,
                                     _baseline_generator(ctx, task, policy))

    def batch(self, step: int) -> Tuple[List[int], List[Dict[str, Any]]]:
        start = step * self.per_step
        positions = list(range(start, start + self.per_step))
        return positions, [self.rows[i] for i in self.order.take(start, self.per_step)]


def _score_model(ctx: RunContext, task: TaskSpec):
    src = task.reward.source
    if src["type"] == "judge":
        return None
    return load_reward_model(src, task.reward.name, ctx.spec.seed, ctx.base_dir, ctx.dist.device)


def _baseline_generator(ctx: RunContext, task: TaskSpec, policy):
    """ā generated once per prompt, greedily, by the baseline model (`generated(model)`)."""
    model_spec = task.reward.baseline_model
    if model_spec is None:
        return None
    holder: Dict[str, Any] = {}

    def gen(prompts: List[str]) -> List[str]:
        if "lm" not in holder:
            holder["lm"] = load_model(model_spec, ctx.spec.seed, ctx.base_dir, ctx.run_dir,
                                      ctx.dist.device, trainable=False)
        lm = holder["lm"]
        ids = [lm.tokenizer.encode_prompt(p) for p in prompts]
        out = generate(lm, ids, [0] * len(ids), 0.0, 1.0, task.optimizer.max_tokens)
        return [lm.tokenizer.decode(t) for t in out.tokens]
    return gen


def needs_judges(task: TaskSpec) -> bool:
    return bool(task.judges) or task.reward.source["type"] == "judge"


def run(ctx: RunContext) -> Dict[str, Any]:
    spec, d = ctx.spec, ctx.dist
    seed_everything(spec.seed, d.rank)
    policy = load_model(spec.model, spec.seed, ctx.base_dir, ctx.run_dir, d.device, trainable=True)
    reference = (load_model(spec.reference, spec.seed, ctx.base_dir, ctx.run_dir, d.device, trainable=False)
                 if spec.reference else frozen_copy(policy))
    judged = [t.name for t in spec.tasks if needs_judges(t)]
    client = ctx.judge_client(f"stage {spec.name!r} (tasks {', '.join(judged)})") if judged else None
    tasks = [TaskState(ctx, t, client, policy) for t in spec.tasks]
    trainer = Trainer(ctx, policy, spec.fields["steps"], spec.fields["lr"])
    trainer.prepare_run_dir()
    samples = SampleLog(ctx.stage_dir / SAMPLES_FILE, d.is_main, spec.fields["steps"])
    samples.truncate_after(trainer.start_step)
    fsdp = trainer.mode == "fsdp"
    if fsdp:   # forwards are collective: the reference is sharded too, generation stops together
        reference.module = wrap(reference.module, d, "fsdp", DTYPES[spec.model.dtype])
    norm, micro = spec.training.loss_norm, spec.training.micro_batch_size or 1 << 30

    def step_fn(step: int):
        work, records, tokens = [], [], 0
        for ts in tasks:
            positions, rows = ts.batch(step)
            r = make_rollout(ts.task, step, positions, rows, policy, reference, ts.reward, ts.judge,
                             spec.seed, spec.name, d.rank, d.world,
                             gen_module=policy.module if fsdp else None,
                             all_done=(lambda done: d.reduce_max(0.0 if done else 1.0) == 0.0) if fsdp else None)
            record = rollout_metrics(r, d.reduce_sum, d.reduce_max)
            if samples.wanted(step + 1):
                samples.write(sample_rows(r, step + 1))
            record["weight"] = ts.task.weight
            work += build_work(r, policy, d, norm, micro, record)
            records.append(record)
            tokens += token_count(r)
        return work, {"tasks": records, "tokens": tokens}
    trainer.run(step_fn)
    return {"steps": spec.fields["steps"]}

