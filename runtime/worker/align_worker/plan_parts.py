"""Parsers for the parts of a stage: models, data sources, judges, rewards, tasks, training.

Each parser records the declarations it reads into `closure` (pointer → value); the stage's
configuration hash and the resume diff are computed over exactly that closure.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .errors import PlanError
from .plan import (DataSpec, DatasetSpec, JudgeSpec, ModelSpec, OptimizerSpec, RewardSpec,
                   StageSpec, TaskSpec, TrainingSpec)
from .pointer import Node, describe, escape

DTYPES = ["bf16", "fp16", "fp32"]
JUDGE_VARIANTS = ["math_answer", "code_tests", "instructions", "regex", "contains", "length",
                  "json", "llm_judge", "custom"]


class Ctx:
    """The plan root plus the configuration closure being collected."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.closure: Dict[str, Any] = {}

    def decl(self, kind: str, name: str, ref_pointer: str) -> Node:
        table = self.root.child(kind)
        if name not in table.obj():
            raise PlanError(ref_pointer, f"refers to unknown {kind[:-1]} {describe(name)}")
        node = table.child(name)
        self.closure[node.pointer] = node.value
        return node


def ref_name(node: Node, kind: str) -> str:
    """Read `{"<kind>": "name"}`."""
    obj = node.obj()
    if kind not in obj:
        raise node.fail(f"expected a reference {{\"{kind}\": ...}}, got {describe(node.value)}")
    return node.child(kind).str()


def parse_model(ctx: Ctx, node: Node) -> ModelSpec:
    """ref(model) or `{"stage": s, "output": "model"}`."""
    obj = node.obj()
    if "stage" in obj:
        stage = node.child("stage").str()
        if node.opt("output").value not in (None, "model"):
            raise node.fail("a model must be a stage's \"model\" output")
        producer = ctx.decl("stages", stage, node.pointer)
        # A stage's model directory carries the chat template that stage used (hf.save_hf), and
        # is written in the dtype of the model that stage trained: it is read back in that dtype
        # (the compiler's estimate counts it so too).
        return ModelSpec(node.pointer, stage, {"type": "stage", "stage": stage}, dtype=trained_dtype(ctx, producer),
                         chat_template={"type": "auto"})
    name = ref_name(node, "model")
    decl = ctx.decl("models", name, node.pointer)
    src = decl.child("from")
    stype = src.child("type").enum(["builtin", "hf", "local", "endpoint"])
    if stype == "endpoint":
        raise src.fail("an endpoint model cannot be trained or sampled by the worker")
    source = dict(src.obj())
    if stype == "builtin":
        for key in ("layers", "width", "heads", "context"):
            src.child(key).int(minimum=1)
        if source["width"] % source["heads"]:
            raise src.child("heads").fail("width must be divisible by heads")
    elif stype == "hf":
        src.child("id").str()
    else:
        src.child("path").str()
    lora = decl.opt("lora")
    if not lora.is_null():
        lora.child("rank").int(minimum=1)
        lora.child("alpha").num(positive=True)
        lora.child("dropout").num(minimum=0.0)
        [t.str() for t in lora.child("targets").items()]
    gc = decl.opt("gradient_checkpointing")
    template = decl.opt("chat_template")
    if not template.is_null():
        if template.child("type").enum(["auto", "none", "file"]) == "file":
            template.child("path").str()
    limit = decl.opt("max_prompt_tokens")
    truncation = decl.opt("truncation")
    return ModelSpec(node.pointer, name, source, decl.child("dtype").enum(DTYPES),
                     False if gc.is_null() else gc.bool(),
                     None if lora.is_null() else dict(lora.obj()),
                     None if template.is_null() else dict(template.obj()),
                     None if limit.is_null() else limit.int(minimum=1),
                     "left" if truncation.is_null() else truncation.enum(["left", "error"]))


def trained_dtype(ctx: Ctx, stage: Node) -> str:
    """The declared dtype of the model a model-producing stage trained (sft/dpo: `model`, cgpo:
    `policy`), followed back through earlier stages; fp32 for a stage without one."""
    seen = set()
    while True:
        if stage.pointer in seen:
            raise stage.fail("its model comes from its own output (a cycle of stages)")
        seen.add(stage.pointer)
        obj = stage.obj()
        key = next((k for k in ("model", "policy") if obj.get(k) is not None), None)
        if key is None:
            return "fp32"
        source = stage.child(key)
        if "stage" not in source.obj():
            return parse_model(ctx, source).dtype
        stage = ctx.decl("stages", source.child("stage").str(), source.pointer)


def parse_data(ctx: Ctx, node: Node) -> DataSpec:
    """ref(dataset) | a dataset-producing stage | an inline render (see docs/worker.md)."""
    obj = node.obj()
    if "dataset" in obj:
        name = node.child("dataset").str()
        decl = ctx.decl("datasets", name, node.pointer)
        decl.child("type").enum(["jsonl"])
        fields = {k: n.str() for k, n in ((k, decl.child("fields").child(k))
                                           for k in decl.child("fields").obj())}
        ds = DatasetSpec(decl.pointer, name, decl.child("path").str(), fields,
                         decl.opt("limit").opt_int(minimum=0),
                         True if decl.opt("shuffle").is_null() else decl.opt("shuffle").bool())
        return DataSpec(node.pointer, "dataset", name, dataset=ds)
    if "stage" in obj:
        name = node.child("stage").str()
        if node.opt("output").value not in (None, "dataset"):
            raise node.fail("data must be a stage's \"dataset\" output")
        ctx.decl("stages", name, node.pointer)
        return DataSpec(node.pointer, "stage", name)
    body = node.child("render") if "render" in obj else node
    if "render" in obj or body.opt("variant").value == "render":
        src = parse_data(ctx, body.child("from"))
        template = parse_template(body.child("template"))
        return DataSpec(node.pointer, "render", src.name, render_from=src, template=template,
                        target=body.child("target").str())
    raise node.fail(f"expected a dataset, stage or render reference, got {describe(node.value)}")


def parse_template(node: Node) -> Dict[str, Any]:
    """`{"text", "file", "slots"}`; a bare string is accepted as the text."""
    if isinstance(node.value, str):
        return {"text": node.value, "file": None, "slots": None}
    node.child("text").str()
    return dict(node.obj())


def parse_judge(ctx: Ctx, node: Node) -> JudgeSpec:
    return judge_by_name(ctx, ref_name(node, "judge"), node.pointer)


def judge_by_name(ctx: Ctx, name: str, pointer: str) -> JudgeSpec:
    decl = ctx.decl("judges", name, pointer)
    scope = decl.opt("scope")
    return JudgeSpec(name, decl.child("variant").enum(JUDGE_VARIANTS),
                     decl.child("on_error").enum(["violated", "satisfied", "skip_sample"]),
                     None if scope.is_null() else [ref_or_str(s, "dataset") for s in scope.items()])


def ref_or_str(node: Node, kind: str) -> str:
    return node.str() if isinstance(node.value, str) else ref_name(node, kind)


def parse_reward(ctx: Ctx, node: Node) -> RewardSpec:
    name = ref_name(node, "reward")
    decl = ctx.decl("rewards", name, node.pointer)
    src = decl.child("from")
    stype = src.child("type").enum(["builtin", "hf", "local", "judge", "stage"])
    if stype == "judge":
        ref_or_str(src.child("judge"), "judge")
    if stype == "stage":         # a reward_model stage's output; its configuration joins the closure
        ctx.decl("stages", src.child("stage").str(), src.pointer)
    base = decl.child("baseline")
    btype = base.child("type").enum(["field", "generated", "none"])
    model = None
    if btype == "field":
        base.child("field").str()
    elif btype == "generated":
        model = parse_model(ctx, base.child("model"))
    dtype = decl.opt("dtype")
    return RewardSpec(decl.pointer, name, dict(src.obj()),
                      decl.child("kind").enum(["scalar", "pairwise"]), dict(base.obj()), model,
                      "fp32" if dtype.is_null() else dtype.enum(DTYPES))


def parse_optimizer(node: Node, ctx: Optional[Ctx] = None) -> OptimizerSpec:
    variant = node.child("variant").enum(["crpg", "codpo", "crraft", "grpo", "rloo", "ppo"])
    spec = OptimizerSpec(variant, node.child("generations").int(minimum=1),
                         node.child("temperature").num(minimum=0.0),
                         node.child("top_p").num(positive=True), node.child("max_tokens").int(minimum=1))
    if spec.top_p != 1:
        # The loss trains softmax(logits / T); a nucleus-truncated sampler would make the
        # policy gradient biased (the compiler refuses it too: AL6050).
        raise node.child("top_p").fail(f"a task samples what it trains: top_p must be 1, got {spec.top_p:g}")
    if spec.temperature == 0:
        raise node.child("temperature").fail("a task samples what it trains: temperature must be > 0 "
                                             "(greedy samples have no policy gradient)")
    if variant in ("crpg", "crraft"):
        spec.kl_max = node.child("kl_max").num(positive=True)
    if variant == "crraft":
        spec.fallback = node.child("fallback").enum(["baseline", "skip"])
    if variant == "codpo":
        spec.beta = node.child("beta").num(positive=True)
        spec.lam = node.child("lambda").num(minimum=0.0)
        if spec.generations < 2:
            raise node.child("generations").fail("codpo needs generations >= 2 (a chosen and a rejected sample)")
    if variant in ("grpo", "rloo"):
        _parse_group_baseline(node, spec)
    if variant == "ppo":
        assert ctx is not None, "a ppo optimizer's value model is resolved in the plan"
        _parse_ppo(ctx, node, spec)
    return spec


def _parse_ppo(ctx: Ctx, node: Node, spec: OptimizerSpec) -> None:
    """PPO's fields; its value model is a model declaration or a reward_model stage's output."""
    value = node.opt("value_model")
    if value.is_null():
        raise value.fail("ppo needs a value_model (a model declaration or a reward_model stage's .model)")
    spec.value_model = parse_model(ctx, value)
    if spec.value_model.source["type"] not in ("builtin", "stage", "hf", "local"):
        raise value.fail(f"a value model must be a builtin(...) or Hugging Face model or a reward_model stage's "
                         f"output, not a {spec.value_model.source['type']} model")
    whiten = node.opt("whiten_advantages")            # plans from before the field: not whitened
    spec.whiten_advantages = False if whiten.is_null() else whiten.bool()
    spec.value_lr = node.child("value_lr").num(minimum=0.0)
    spec.value_clip = node.child("value_clip").num(positive=True)
    spec.clip_eps = node.child("clip_eps").num(positive=True)
    spec.ppo_epochs = node.child("ppo_epochs").int(minimum=1)
    spec.gamma = node.child("gamma").num(minimum=0.0)
    spec.lam = node.child("lam").num(minimum=0.0)
    spec.kl_coef = node.child("kl_coef").num(minimum=0.0)
    spec.kl_estimator = node.child("kl_estimator").enum(["k1", "k3"])
    spec.judges_gate = node.child("judges_gate").bool()
    spec.infeasible_reward = node.child("infeasible_reward").num()


def _parse_group_baseline(node: Node, spec: OptimizerSpec) -> None:
    """GRPO's and RLOO's fields; both compare a prompt's samples, so they need K >= 2."""
    if spec.generations < 2:
        raise node.child("generations").fail(f"{spec.variant} needs generations >= 2 (its baseline is the "
                                             "prompt's other samples)")
    spec.kl_coef = node.child("kl_coef").num(minimum=0.0)
    spec.judges_gate = node.child("judges_gate").bool()
    spec.infeasible_reward = node.child("infeasible_reward").num()
    if spec.variant == "grpo":
        spec.scale_rewards = node.child("scale_rewards").bool()
        spec.clip_eps = node.child("clip_eps").num(positive=True)
        spec.ppo_epochs = node.child("ppo_epochs").int(minimum=1)
        spec.kl_estimator = node.child("kl_estimator").enum(["k1", "k3"])
        spec.loss_aggregation = node.child("loss_aggregation").enum(["token", "sequence"])


def parse_task(ctx: Ctx, node: Node) -> TaskSpec:
    name = ref_name(node, "task")
    decl = ctx.decl("tasks", name, node.pointer)
    prompts = [parse_data(ctx, p) for p in decl.child("prompts").items()]
    if not prompts:
        raise decl.child("prompts").fail("a task needs at least one prompt source")
    weight = decl.child("weight").num(minimum=0.0)
    template = decl.opt("template")
    return TaskSpec(decl.pointer, name, prompts, parse_reward(ctx, decl.child("reward")),
                    [parse_judge(ctx, j) for j in decl.child("judges").items()],
                    parse_optimizer(decl.child("optimizer"), ctx), weight,
                    decl.child("batch_size").int(minimum=1),
                    None if template.is_null() else parse_template(template))


def parse_training(node: Node) -> TrainingSpec:
    def get(key: str, default: Any) -> Node:
        n = node.opt(key)
        return Node(default, n.pointer) if n.is_null() and default is not None else n
    return TrainingSpec(
        schedule=get("schedule", "cosine").enum(["constant", "linear", "cosine"]),
        warmup=get("warmup", 0).int(minimum=0), clip=get("clip", 1.0).num(minimum=0.0),
        grad_accum=get("grad_accum", 1).int(minimum=1),
        weight_decay=get("weight_decay", 0.0).num(minimum=0.0),
        loss_norm=get("loss_norm", "sample").enum(["sample", "token"]),
        checkpoint_every=get("checkpoint_every", 100).int(minimum=0),
        micro_batch_size=node.opt("micro_batch_size").opt_int(minimum=1))


def parse_cluster(root: Node, spec: StageSpec) -> None:
    estimates = root.opt("estimates")
    estimate = estimates if estimates.is_null() else estimates.opt(spec.name)
    if not estimate.is_null():
        # The compiler resolved `auto` with the whole memory estimate (activations, reference,
        # reward models, KV cache); the worker's own rule is the fallback for plans without one.
        spec.estimated_sharding = estimate.child("sharding").enum(["none", "ddp", "fsdp"])
    cluster = root.opt("cluster")
    if cluster.is_null():
        return
    sharding = cluster.opt("sharding")
    spec.sharding = "auto" if sharding.is_null() else sharding.enum(["auto", "ddp", "fsdp"])
    spec.gpu_memory = cluster.opt("gpu_memory").opt_num(minimum=0)
