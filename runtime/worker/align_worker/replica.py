"""The FSDP policy gathered once per rollout phase, not once per generated token.

Decoding through the FSDP root makes every token step's forward all-gather every unit (at 70B,
~0.4 s of communication per token). Instead, at the start of a rollout phase each rank fills a
plain, unsharded copy of the policy in the model's dtype (bf16 by default: what FSDP's mixed
precision computes with anyway), one FSDP unit at a time (one all-gather per unit per phase,
LoRA adapters merged into their layers), decodes through it with local forwards, and drops it.

A frozen model sharded with FSDP2 (a `generated(model)` baseline's) generates the same way,
each unit unsharded, copied and resharded in turn.

The copy needs params x 2 bytes beside the training state; when some rank lacks that memory
(plus the unit being gathered and the KV cache), the copy is split tensor-parallel over the
fewest ranks of a node whose shares fit (tensor_parallel.py: transformers' plan of the model
class); when no split fits either (or the model has no plan), the phase decodes through the
shards as before. Rank 0 says which, and why, once per change.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn

from .distributed import Dist
from .errors import UserError
from .export import units_and_params
from .hf import lora_layers, merge_lora_state
from .models import LanguageModel, cast, is_sharded
from .tensor_parallel import local_bytes, mesh_for, node_size, refusal, sizes, tp_copy

HEADROOM = 0.9         # share of the free memory the copy, one gathered unit and the KV cache may take


def skeleton(lm: LanguageModel, dtype: torch.dtype) -> nn.Module:
    """The policy's architecture with parameters on the meta device (nothing allocated) in
    `dtype`; buffers (rotary frequencies) are real and stay fp32."""
    from .sharded import parameters_on_meta
    inner = lm.unwrapped()
    base = inner.get_base_model() if hasattr(inner, "get_base_model") else inner
    with parameters_on_meta():
        if lm.backend == "builtin":
            from .model_builtin import BuiltinConfig, TinyLM
            module = TinyLM(BuiltinConfig(**lm.meta["config"]))
        else:
            import transformers
            module = transformers.AutoModelForCausalLM.from_config(base.config)
    cast(module, None, dtype)
    module.eval()
    module.requires_grad_(False)
    return module


def param_bytes(module: nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def kv_bytes_per_token(lm: LanguageModel, dtype: torch.dtype) -> int:
    """Keys and values of one token over all layers."""
    item = torch.empty((), dtype=dtype).element_size()
    if lm.backend == "builtin":
        cfg = lm.meta["config"]
        return 2 * cfg["layers"] * cfg["width"] * item
    inner = lm.unwrapped()
    c = (inner.get_base_model() if hasattr(inner, "get_base_model") else inner).config
    heads = getattr(c, "num_attention_heads", 1)
    head_dim = getattr(c, "head_dim", None) or c.hidden_size // heads
    return 2 * c.num_hidden_layers * (getattr(c, "num_key_value_heads", None) or heads) * head_dim * item


def free_bytes(device: torch.device) -> int:
    """Memory this rank can still allocate: the GPU's free memory plus what torch's caching
    allocator holds unused; on CPU the host's available memory shared by the node's ranks."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free + torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device))
    try:
        with open("/proc/meminfo") as f:
            avail = next(int(ln.split()[1]) * 1024 for ln in f if ln.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        return 0
    ranks = int(os.environ.get("LOCAL_WORLD_SIZE") or os.environ.get("WORLD_SIZE") or 1)
    return avail // max(1, ranks)


def fsdp2_units(root: nn.Module) -> List[Tuple[nn.Module, List[str]]]:
    """Every FSDP2 (fully_shard) unit with the names of the parameters it owns (not those of
    units nested in it); units owning none are left out."""
    from torch.distributed.fsdp import FSDPModule
    units = [(name, m) for name, m in root.named_modules() if isinstance(m, FSDPModule)]
    owned: Dict[int, List[str]] = {id(m): [] for _, m in units}
    for name, _ in root.named_parameters():
        _, unit = max(((p, m) for p, m in units if not p or name.startswith(p + ".")), key=lambda u: len(u[0]))
        owned[id(unit)].append(name)
    return [(m, owned[id(m)]) for _, m in units if owned[id(m)]]


def gathered_units(root: nn.Module) -> Iterator[Dict[str, torch.Tensor]]:
    """Collective: each FSDP unit's own parameters gathered whole, one unit at a time, by
    state-dict name (FSDP1 summon_full_params; FSDP2 unshard/reshard)."""
    if is_sharded(root):
        for unit, names in fsdp2_units(root):
            unit.unshard()
            try:
                yield {name: root.get_parameter(name).detach() for name in names}
            finally:
                unit.reshard()
        return
    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
    for unit, params in units_and_params(root):
        with FSDP.summon_full_params(unit, recurse=False, writeback=False):
            yield {name: p.detach() for name, p in params.items()}


def unit_sizes(root: nn.Module) -> List[int]:
    """Elements of each FSDP unit's own parameters (whole, not this rank's shard)."""
    if is_sharded(root):
        return [sum(root.get_parameter(n).numel() for n in names) for _, names in fsdp2_units(root)]
    return [sum(p.numel() for p in params.values()) for _, params in units_and_params(root)]


def merged_units(lm: LanguageModel) -> Iterator[Dict[str, torch.Tensor]]:
    """Collective: each FSDP unit of `lm` whole, one at a time, by the plain model's state-dict
    names, LoRA adapters merged into their layers (W + s·B·A)."""
    inner = lm.unwrapped()
    lora = lora_layers(inner) if hasattr(inner, "merge_and_unload") else None
    for tensors in gathered_units(lm.module):
        yield merge_lora_state(tensors, lora) if lora is not None else tensors


@torch.no_grad()
def gathered_copy(lm: LanguageModel, frame: nn.Module, device: torch.device) -> nn.Module:
    """Collective: a plain copy of the FSDP model `lm` (FSDP1 policy or FSDP2 frozen model,
    built from the meta `frame`), filled unit by unit from the shards on every rank."""
    module = allocate(copy.deepcopy(frame), device)
    own = dict(module.named_parameters(remove_duplicate=False))
    filled = set()
    for tensors in merged_units(lm):
        for name, value in tensors.items():
            own[name].copy_(value)
            filled.add(id(own[name]))
    left = [name for name, p in own.items() if id(p) not in filled]
    if left:
        raise RuntimeError(f"the rollout copy has parameters no FSDP unit holds: {left[:4]}")
    return module


def allocate(module: nn.Module, device: torch.device) -> nn.Module:
    """Real, uninitialised storage for a meta module's parameters (each Parameter object kept,
    so tied weights stay one), its buffers moved to `device`."""
    for p in list(module.parameters()):
        torch.utils.swap_tensors(p, nn.Parameter(torch.empty(p.shape, dtype=p.dtype, device=device),
                                                 requires_grad=False))
    for name, buf in list(module.named_buffers()):
        owner, _, attr = name.rpartition(".")
        setattr(module.get_submodule(owner) if owner else module, attr, buf.to(device))
    return module


def human(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


@dataclass
class Choice:
    """What a rollout phase decodes through, and the sizes that decided it."""
    kind: str                 # gather | tp | shards
    need: int                 # bytes the replicated copy needs (with a gathered unit and the KV cache)
    least: int                # free bytes on the tightest rank (-1: not measured, a mode asked for)
    tp: int = 1               # ranks of a tensor-parallel group
    need_tp: int = 0          # bytes a tensor-parallel rank needs (0: no size can be used)
    share: int = 0            # of which its slice of the copy
    why_not_tp: str = ""      # why no tensor-parallel size was usable


class RolloutWeights:
    """What a rollout phase of an FSDP model decodes through (the FSDP1 policy, or an FSDP2
    frozen model generating baselines): `phase(rows, tokens)` yields (module, all_done) for
    generation.generate.

    `mode`: auto (the gathered copy when every rank has the memory for it, else a copy split
    tensor-parallel over the fewest ranks of a node that fit it, else the shards), gather, tp
    (over all of a node's ranks), or shards (the FSDP root: forwards are collective, ranks agree
    on the stop through all_done)."""

    def __init__(self, lm: LanguageModel, d: Dist, dtype: torch.dtype, stage: str, mode: str = "auto",
                 label: str = "rollouts", what: str = "the policy") -> None:
        if d.device.type == "cpu" and dtype == torch.float16:
            dtype = torch.float32                 # fp16 kernels are missing on CPU
        self.lm, self.d, self.dtype, self.stage, self.mode = lm, d, dtype, stage, mode
        self.label, self.what = label, what          # "[cgpo] rollouts gather the policy ..."
        self.frame = skeleton(lm, dtype)
        self.copy_bytes = param_bytes(self.frame)
        self.unit_bytes = max(unit_sizes(lm.module), default=0) * 4
        self.meshes: Dict[int, Any] = {}
        self.said: Optional[Tuple[str, int]] = None

    def all_done(self, done: bool) -> bool:
        return self.d.reduce_max(0.0 if done else 1.0) == 0.0

    def choose(self, rows: int, tokens: int) -> Choice:
        """Collective in auto mode (one all-reduce of the free memory)."""
        kv = rows * tokens * kv_bytes_per_token(self.lm, self.dtype)
        need = self.copy_bytes + self.unit_bytes + kv
        if self.mode == "tp":
            tp = node_size()
            why = refusal(self.frame, tp) if tp > 1 and self.d.world % tp == 0 else \
                f"LOCAL_WORLD_SIZE ({tp}) gives no tensor-parallel group of the {self.d.world} ranks"
            if why:
                raise UserError(f"stage {self.stage!r}: tensor-parallel {self.label} of {self.what}: {why}")
            share = local_bytes(self.frame, tp)
            return Choice("tp", need, -1, tp, share + self.unit_bytes + kv, share)
        if self.mode != "auto":
            return Choice(self.mode, need, -1)
        least = int(-self.d.reduce_max(-float(free_bytes(self.d.device))))
        if need <= HEADROOM * least:
            return Choice("gather", need, least)
        # A group decodes the rows of all its ranks with 1/tp of the KV heads each: the same KV bytes.
        fits = [(tp, local_bytes(self.frame, tp)) for tp in sizes(self.d.world) if refusal(self.frame, tp) is None]
        for tp, share in fits:
            if share + self.unit_bytes + kv <= HEADROOM * least:
                return Choice("tp", need, least, tp, share + self.unit_bytes + kv, share)
        if fits:
            tp, share = fits[-1]
            return Choice("shards", need, least, tp, share + self.unit_bytes + kv, share)
        why = refusal(self.frame, node_size()) if node_size() > 1 else "one rank per node (LOCAL_WORLD_SIZE)"
        return Choice("shards", need, least, why_not_tp=why or f"no group size divides {self.d.world} ranks")

    @contextlib.contextmanager
    def phase(self, rows: int, tokens: int) -> Iterator[Tuple[nn.Module, Any]]:
        choice = self.choose(rows, tokens)
        self._say(choice)
        if choice.kind == "shards":
            yield self.lm.module, self.all_done
            return
        if choice.kind == "tp":
            if choice.tp not in self.meshes:
                self.meshes[choice.tp] = mesh_for(self.d.device, self.d.world, choice.tp)
            module = tp_copy(self.frame, merged_units(self.lm), self.meshes[choice.tp], self.d.device)
            agree = module.row_group.all_done
        else:
            module, agree = gathered_copy(self.lm, self.frame, self.d.device), None
        try:
            yield module, agree
        finally:
            del module

    def _say(self, c: Choice) -> None:
        """One line when the choice is made or changes (rank 0)."""
        key = (c.kind, c.tp)
        if self.said == key or not self.d.is_main:
            self.said = key
            return
        self.said = key
        print(f"[{self.stage}] {self.label} {describe(c, self.what, self.dtype, self.copy_bytes)}",
              file=sys.stderr, flush=True)


def describe(c: Choice, what: str, dtype: torch.dtype, copy_bytes: int) -> str:
    """The choice in words, with the sizes that made it."""
    size = f"a {str(dtype).replace('torch.', '')} copy of {human(copy_bytes)}"
    free = f"the tightest rank has {human(c.least)} free"
    if c.kind == "gather":
        return f"gather {what} once per phase: {size} on every rank" + (f", {free}" if c.least >= 0 else "")
    if c.kind == "tp":
        why = (f"; on every rank it would need {human(c.need)} and {free}" if c.least >= 0 else " (as asked)")
        return (f"gather {what} once per phase, tensor-parallel over {c.tp} ranks of a node: each holds "
                f"{human(c.share)} of {size}, {human(c.need_tp)} with a gathered unit and the KV cache{why}")
    head = f"decode through the FSDP shards of {what}, one all-gather of the model per token"
    if c.least < 0:
        return f"{head} (as asked)"
    tp = (f"tensor-parallel over {c.tp} ranks needs {human(c.need_tp)} per rank" if c.need_tp
          else f"no tensor-parallel copy: {c.why_not_tp}")
    return f"{head}: {size} needs {human(c.need)} with a gathered unit and the KV cache, {free}; {tp}"
