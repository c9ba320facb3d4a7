"""Per-variant parsing of a stage body (generate, judge, render, sft, dpo, reward_model, cgpo, eval)."""

from __future__ import annotations

from typing import Any, Dict

from .plan import StageSpec
from .plan_parts import (Ctx, judge_by_name, parse_cluster, parse_data, parse_judge, parse_model, parse_task,
                         parse_template, parse_training)
from .pointer import Node

KEEP_TYPES = ["all", "satisfied", "violated"]


def parse_stage_body(root: Node, node: Node, spec: StageSpec) -> None:
    """Fill `spec` from the stage node; records the configuration closure for hashing."""
    ctx = Ctx(root)
    ctx.closure[node.pointer] = node.value
    ctx.closure["/recipe/seed"] = spec.seed
    parse_cluster(root, spec)
    {"generate": _generate, "judge": _judge, "render": _render, "sft": _sft, "dpo": _dpo,
     "reward_model": _reward_model, "cgpo": _cgpo, "eval": _eval}[spec.variant](ctx, node, spec)
    spec.config = ctx.closure


def _sampling(node: Node, f: Dict[str, Any], samples: bool = True) -> None:
    if samples:
        f["samples"] = node.child("samples").int(minimum=1)
    f["temperature"] = node.child("temperature").num(minimum=0.0)
    top_p = node.opt("top_p")
    f["top_p"] = 1.0 if top_p.is_null() else top_p.num(positive=True)
    if f["top_p"] > 1:
        raise top_p.fail(f"expected a number in (0, 1], got {f['top_p']:g}")
    f["max_tokens"] = node.child("max_tokens").int(minimum=1)


def _keep(node: Node, f: Dict[str, Any]) -> None:
    keep = node.opt("keep")
    if keep.is_null():
        f["keep"] = {"type": "all", "judges": []}
        return
    ktype = keep.child("type").enum(KEEP_TYPES)
    judges = keep.opt("judges")
    names = [] if judges.is_null() else [j.str() if isinstance(j.value, str) else j.child("judge").str()
                                          for j in judges.items()]
    f["keep"] = {"type": ktype, "judges": names}


def _generate(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("model"))
    has_p, has_f = not node.opt("prompts").is_null(), not node.opt("from").is_null()
    if has_p == has_f:
        raise node.fail("a generate stage needs exactly one of prompts and from")
    spec.data = [parse_data(ctx, node.child("prompts" if has_p else "from"))]
    tpl = node.opt("template")
    spec.fields["template"] = None if tpl.is_null() else parse_template(tpl)
    _sampling(node, spec.fields)
    field = node.opt("response_field")
    spec.fields["response_field"] = "response" if field.is_null() else field.str()
    spec.judges = [parse_judge(ctx, j) for j in node.opt("judges").items()] \
        if not node.opt("judges").is_null() else []
    _keep(node, spec.fields)
    _add_keep_judges(ctx, node, spec)


def _add_keep_judges(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    """A `keep` by verdict runs its judges even when `judges` does not list them (the judge
    server's units do the same), so `keep = violated(harmful)` alone is enough."""
    names = {j.name for j in spec.judges}
    for i, name in enumerate(spec.fields["keep"]["judges"]):
        if name not in names:
            spec.judges.append(judge_by_name(ctx, name, f"{node.pointer}/keep/judges/{i}"))
            names.add(name)


def _judge(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.data = [parse_data(ctx, node.child("from"))]
    spec.judges = [parse_judge(ctx, j) for j in node.child("judges").items()]
    _keep(node, spec.fields)
    _add_keep_judges(ctx, node, spec)


def _render(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.data = [parse_data(ctx, node.child("from"))]
    spec.fields["template"] = parse_template(node.child("template"))
    spec.fields["target"] = node.child("target").str()


def _train_common(node: Node, spec: StageSpec, lr_key: str = "lr") -> None:
    spec.fields["lr"] = node.child(lr_key).num(positive=True)
    spec.training = parse_training(node)


def _epochs(node: Node, spec: StageSpec) -> None:
    spec.fields["epochs"] = node.child("epochs").int(minimum=1)
    spec.fields["batch_size"] = node.child("batch_size").int(minimum=1)
    ml = node.opt("max_length")
    spec.fields["max_length"] = 1024 if ml.is_null() else ml.int(minimum=2)


def _data_list(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.data = [parse_data(ctx, d) for d in node.child("data").items()]
    if not spec.data:
        raise node.child("data").fail("needs at least one data source")


def _sft(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("model"))
    lora = node.opt("lora")
    if not lora.is_null():
        lora.child("rank").int(minimum=1)
        spec.model.lora = dict(lora.obj())
    _data_list(ctx, node, spec)
    _epochs(node, spec)
    _train_common(node, spec)


def _dpo(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("model"))
    ref = node.opt("reference")
    spec.reference = None if ref.is_null() else parse_model(ctx, ref)
    _data_list(ctx, node, spec)
    spec.fields["beta"] = node.child("beta").num(positive=True)
    spec.fields["max_prompt_length"] = node.opt("max_prompt_length").opt_int(minimum=1)
    _epochs(node, spec)
    _train_common(node, spec)


def _reward_model(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("model"))
    _data_list(ctx, node, spec)
    held = node.opt("held_out")
    spec.held_out = [] if held.is_null() else [parse_data(ctx, d) for d in held.items()]
    fraction = node.child("eval_fraction")
    spec.fields["eval_fraction"] = fraction.num(minimum=0.0)
    if spec.fields["eval_fraction"] >= 1:
        raise fraction.fail(f"expected a fraction below 1, got {spec.fields['eval_fraction']:g}")
    spec.fields["margin"] = node.child("margin").num(minimum=0.0)
    _epochs(node, spec)
    _train_common(node, spec)


def _cgpo(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("policy"))
    ref = node.opt("reference")
    spec.reference = None if ref.is_null() else parse_model(ctx, ref)
    spec.tasks = [parse_task(ctx, t) for t in node.child("tasks").items()]
    if not spec.tasks:
        raise node.child("tasks").fail("a cgpo stage needs at least one task")
    spec.fields["steps"] = node.child("steps").int(minimum=1)
    _train_common(node, spec)


def _eval(ctx: Ctx, node: Node, spec: StageSpec) -> None:
    spec.model = parse_model(ctx, node.child("model"))
    tasks = node.opt("tasks")
    if not tasks.is_null():
        spec.tasks = [parse_task(ctx, t) for t in tasks.items()]
    else:
        spec.data = [parse_data(ctx, node.child("prompts"))]
        spec.judges = [parse_judge(ctx, j) for j in node.child("judges").items()]
    template = node.opt("template")
    spec.fields["template"] = None if template.is_null() else parse_template(template)
    _sampling(node, spec.fields)
