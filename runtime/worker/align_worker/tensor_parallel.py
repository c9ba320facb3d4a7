"""A tensor-parallel rollout copy: the FSDP policy split over ranks of one node, for models whose
unsharded copy does not fit a device.

The split is transformers' own: the model class's tensor-parallel plan (`tp_plan`: the config's
`base_model_tp_plan`, e.g. Llama's and Qwen2's attention and MLP projections colwise / rowwise,
and `lm_head` colwise with its output gathered) applied with
`transformers.distributed.tensor_parallel.apply_tensor_parallelism` on a DeviceMesh of the
group, which makes the planned parameters torch DTensors and installs the all-reduce after each
rowwise layer. The copy is built on the meta device and filled one FSDP unit at a time: each
rank gathers a unit, keeps its slice of every planned parameter (and the whole of the rest:
embeddings, norms) and lets the unit go.

The ranks of a group decode one batch: their prompts and row seeds gathered (`RowGroup`),
every rank decodes all of them and keeps its own rows. The logits every rank samples from come
out of one all-gather (lm_head's gathered output), so they are the same bytes on every rank of
the group, and each row draws from its own seed: the group samples the same tokens without a
collective of its own. A digest of the tokens is compared once per generate call, and the stop
agreed per token over the group, so a divergence is a loud error rather than a silent one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.distributed as dist
import torch.nn as nn


def node_size() -> int:
    """Ranks per node (torchrun's LOCAL_WORLD_SIZE, Slurm's tasks per node); 1 when unknown."""
    raw = os.environ.get("LOCAL_WORLD_SIZE") or os.environ.get("SLURM_NTASKS_PER_NODE", "").split("(")[0]
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def sizes(world: int) -> List[int]:
    """Tensor-parallel sizes to try, smallest first (fewer collectives per layer): divisors > 1
    of the node's ranks that also divide the world, so groups are node-local and tile it."""
    local = min(node_size(), world)
    return [t for t in range(2, local + 1) if local % t == 0 and world % t == 0]


def plan_of(frame: nn.Module) -> Optional[Dict[str, str]]:
    """transformers' tensor-parallel plan of the model class (None: a built-in model, or a class
    transformers gives none)."""
    plan = getattr(frame, "tp_plan", None)
    return dict(plan) if plan else None


def _style(name: str, plan: Dict[str, str]) -> Optional[str]:
    from transformers.distributed.tensor_parallel import _get_parameter_tp_plan
    return _get_parameter_tp_plan(parameter_name=name, tp_plan=plan, is_weight=True)


def _sharded(name: str, plan: Dict[str, str]) -> bool:
    """Whether the plan splits this parameter (a rowwise layer's bias is replicated)."""
    style = _style(name, plan)
    return style is not None and not (style.startswith("rowwise") and name.endswith(".bias"))


def missing_api() -> Optional[str]:
    """Why the installed torch / transformers cannot split a model (None: they can)."""
    try:
        from torch.distributed.tensor import DTensor  # noqa: F401
        from transformers.distributed.tensor_parallel import apply_tensor_parallelism  # noqa: F401
    except ImportError:
        import transformers
        return (f"this torch ({torch.__version__}) or transformers ({transformers.__version__}) lacks "
                "torch.distributed.tensor or transformers.distributed.tensor_parallel")
    return None


def refusal(frame: nn.Module, tp: int) -> Optional[str]:
    """Why `frame` cannot be split over `tp` ranks (None: it can)."""
    kind = getattr(getattr(frame, "config", None), "model_type", None)
    if not kind:
        return "the built-in model has no tensor-parallel plan (it is tiny by design)"
    plan = plan_of(frame)
    if plan is None:
        return f"transformers has no tensor-parallel plan for {kind!r}"
    missing = missing_api()
    if missing:
        return missing
    c = frame.config.get_text_config()
    heads = getattr(c, "num_attention_heads", 0)
    kv = getattr(c, "num_key_value_heads", None) or heads
    if heads % tp or kv % tp:
        return f"{heads} attention and {kv} key/value heads do not divide over {tp} ranks"
    for name, p in frame.named_parameters():
        if _sharded(name, plan):
            dim = _split_dim(frame, name, p, _style(name, plan))
            if p.shape[dim] % tp:
                return f"{name} ({p.shape[dim]} along the split) does not divide over {tp} ranks"
    return None


def _split_dim(frame: nn.Module, name: str, p: torch.Tensor, style: str) -> int:
    """The dimension transformers' colwise / rowwise styles split: a linear layer's outputs
    (colwise) or inputs (rowwise); an embedding's width (colwise) or vocabulary (rowwise)."""
    embedding = isinstance(frame.get_submodule(name.rpartition(".")[0]), nn.Embedding)
    colwise = "colwise" in style
    if embedding:
        return 1 if colwise else 0
    return max(p.ndim - 2, 0) if colwise else p.ndim - 1


def local_bytes(frame: nn.Module, tp: int) -> int:
    """Parameter bytes one rank of a group of `tp` holds: its slice of every planned parameter,
    the whole of the others (norms; an untied input embedding). Tied weights split apart (the
    plan's lm_head and embedding) count once per slice."""
    plan = plan_of(frame) or {}
    total = 0
    for names in aliases(frame).values():
        p = frame.get_parameter(names[0])
        n = p.numel() * p.element_size()
        split = [name for name in names if _sharded(name, plan)]
        total += len(split) * (n // tp) + (n if len(split) < len(names) else 0)
    return total


def aliases(frame: nn.Module) -> Dict[str, List[str]]:
    """Each parameter's state-dict name → every name it goes by (tied weights: the input
    embedding's name also fills the output's, which the plan splits apart)."""
    names: Dict[int, List[str]] = {}
    for name, p in frame.named_parameters(remove_duplicate=False):
        names.setdefault(id(p), []).append(name)
    return {group[0]: group for group in names.values()}


def mesh_for(device: torch.device, world: int, tp: int):
    """Collective (every rank, in the same order): the node-local groups of `tp` consecutive
    ranks as a 1-D DeviceMesh of this rank's group."""
    from torch.distributed.device_mesh import init_device_mesh
    return init_device_mesh(device.type, (world // tp, tp), mesh_dim_names=("replicas", "tp"))["tp"]


def _allocate(module: nn.Module, device: torch.device) -> None:
    """Real, uninitialised storage for each meta parameter: this rank's local slice of a DTensor,
    the whole of a plain one; buffers moved to `device`."""
    from torch.distributed.tensor import DTensor
    for mod in module.modules():
        for attr, p in list(mod._parameters.items()):
            if p is None:
                continue
            if isinstance(p, DTensor):
                local = torch.empty(p.to_local().shape, dtype=p.dtype, device=device)
                value = DTensor.from_local(local, p.device_mesh, p.placements, run_check=False,
                                           shape=p.shape, stride=p.stride())
            else:
                value = torch.empty(p.shape, dtype=p.dtype, device=device)
            mod._parameters[attr] = nn.Parameter(value, requires_grad=False)
    for name, buf in list(module.named_buffers()):
        owner, _, attr = name.rpartition(".")
        setattr(module.get_submodule(owner) if owner else module, attr, buf.to(device))


def _fill(param: torch.Tensor, full: torch.Tensor) -> None:
    """This rank's slice of the whole tensor `full` into `param` (a DTensor: as its placements
    split it, computed locally; a plain tensor: all of it)."""
    from torch.distributed.tensor import DTensor, distribute_tensor
    if isinstance(param, DTensor):
        mine = distribute_tensor(full, param.device_mesh, param.placements, src_data_rank=None)
        param.to_local().copy_(mine.to_local())
    else:
        param.copy_(full)


@torch.no_grad()
def tp_copy(frame: nn.Module, units, mesh, device: torch.device) -> nn.Module:
    """Collective: the meta `frame` split over `mesh` by its transformers plan, filled from
    `units` (each FSDP unit's whole tensors by plain state-dict name, one unit at a time)."""
    import copy
    from transformers.distributed.tensor_parallel import apply_tensor_parallelism
    names = aliases(frame)
    module = apply_tensor_parallelism(copy.deepcopy(frame), mesh)
    _allocate(module, device)
    filled = set()
    for tensors in units:
        for name, value in tensors.items():
            for alias in names.get(name, [name]):
                _fill(module.get_parameter(alias), value)
                filled.add(alias)
    left = [n for group in names.values() for n in group if n not in filled]
    if left:
        raise RuntimeError(f"the tensor-parallel rollout copy has parameters no FSDP unit holds: {left[:4]}")
    module.row_group = RowGroup(mesh.get_group(), device)
    return module


@dataclass
class RowGroup:
    """The ranks of one tensor-parallel group, which decode their rows together."""
    group: "dist.ProcessGroup"
    device: torch.device

    def union(self, prompts: Sequence[Sequence[int]], seeds: Sequence[int]) -> Tuple[List, List, List[int]]:
        """Every rank's prompts and row seeds in rank order, and how many rows each rank has."""
        mine = (list(map(list, prompts)), list(seeds))
        every: List = [None] * dist.get_world_size(self.group)
        dist.all_gather_object(every, mine, group=self.group)
        return ([p for ps, _ in every for p in ps], [s for _, ss in every for s in ss],
                [len(ss) for _, ss in every])

    def my_rows(self, counts: List[int]) -> slice:
        me = dist.get_rank(self.group)
        return slice(sum(counts[:me]), sum(counts[:me + 1]))

    def all_done(self, done: bool) -> bool:
        buf = torch.tensor([0.0 if done else 1.0], device=self.device)
        dist.all_reduce(buf, op=dist.ReduceOp.MAX, group=self.group)
        return float(buf.item()) == 0.0

    def agree(self, tokens: List[List[int]]) -> None:
        """Loud when the group's ranks sampled different tokens (they would then have decoded
        garbage for each other's rows)."""
        digest = hashlib.sha256(repr(tokens).encode()).hexdigest()
        every: List = [None] * dist.get_world_size(self.group)
        dist.all_gather_object(every, digest, group=self.group)
        if len(set(every)) > 1:
            raise RuntimeError("the ranks of a tensor-parallel rollout group sampled different tokens "
                               f"(digests {sorted(set(every))}): their logits differ")
