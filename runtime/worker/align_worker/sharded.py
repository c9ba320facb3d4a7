"""Sharded loading of Hugging Face models: no rank ever holds more than its shard (frozen models)
or its shard plus the unit FSDP is wrapping (the trained model: `unit_weights_reader`).

The module is built with its parameters on the meta device (buffers stay real: rotary
frequencies are computed, not loaded), sharded with FSDP2 (`fully_shard`, one unit per decoder
layer plus the root, dim-0 shards as DTensors), then each rank allocates its shards only and
reads exactly those rows from the safetensors files (memory-mapped, so untouched rows are never
paged in). The working set beyond the shards is one parameter's rows in the file's dtype.

Needs torch >= 2.4 (FSDP2 and DTensor); `available()` says whether this torch has them.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import torch
import torch.nn as nn

from .errors import UserError

DECODER_LAYERS = ("LlamaDecoderLayer", "MistralDecoderLayer", "Qwen2DecoderLayer", "Qwen3DecoderLayer",
                  "GemmaDecoderLayer", "Gemma2DecoderLayer", "Phi3DecoderLayer", "GPT2Block", "Block")


def available() -> bool:
    try:
        from torch.distributed.fsdp import fully_shard  # noqa: F401
        from torch.distributed.tensor import DTensor  # noqa: F401
    except (ImportError, ValueError):     # 1.13's fsdp package fails to import on Python 3.11
        return False
    return True


@contextlib.contextmanager
def parameters_on_meta() -> Iterator[None]:
    """Construct modules with parameters on the meta device and buffers where they are made.

    A plain `torch.device("meta")` context would put the rotary `inv_freq` buffers there too,
    and they are not in the checkpoint to be read back.
    """
    original = nn.Module.register_parameter

    def register(self: nn.Module, name: str, param: Optional[nn.Parameter]) -> None:
        original(self, name, param)
        if param is not None and param.device.type != "meta":
            self._parameters[name] = nn.Parameter(param.to("meta"), requires_grad=param.requires_grad)
    nn.Module.register_parameter = register           # type: ignore[assignment]
    try:
        yield
    finally:
        nn.Module.register_parameter = original       # type: ignore[assignment]


SAFETENSORS_DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32,
                      "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "I16": torch.int16,
                      "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
READ_CHUNK = 64 << 20          # bytes converted at a time when the file's dtype differs


class SafetensorsIndex:
    """Where each tensor of a checkpoint directory lives (one file or an index of shards).

    Rows are read with plain positioned reads straight into the destination: a memory map would
    keep every page it touched resident (counted against this process) until it is closed.
    """

    def __init__(self, directory: Path) -> None:
        index = directory / "model.safetensors.index.json"
        if index.exists():
            files = sorted({directory / f for f in json.loads(index.read_text())["weight_map"].values()})
        elif (directory / "model.safetensors").exists():
            files = [directory / "model.safetensors"]
        else:
            files = []
        self.entries: Dict[str, tuple] = {}          # name -> (path, dtype, shape, byte offset)
        for path in files:
            with open(path, "rb") as f:
                size = int.from_bytes(f.read(8), "little")
                header = json.loads(f.read(size))
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                self.entries[name] = (path, SAFETENSORS_DTYPES[info["dtype"]], tuple(info["shape"]),
                                      8 + size + int(info["data_offsets"][0]))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def shape(self, name: str) -> tuple:
        return self.entries[name][2]

    def read_rows(self, name: str, start: int, out: torch.Tensor) -> None:
        """Fill `out` with rows start:start+len(out) (dim 0) of tensor `name`."""
        if not out.is_contiguous():
            tmp = torch.empty(out.shape, dtype=out.dtype)
            self.read_rows(name, start, tmp)
            out.copy_(tmp)
            return
        path, dtype, shape, offset = self.entries[name]
        row = 1
        for n in shape[1:]:
            row *= n
        item = torch.empty((), dtype=dtype).element_size()
        rows = out.shape[0] if out.dim() else 1
        flat = out.reshape(rows, -1) if out.dim() else out.reshape(1, 1)
        with open(path, "rb", buffering=0) as f:
            if dtype == out.dtype:
                f.seek(offset + start * row * item)
                _read_exact(f, flat.view(torch.uint8).numpy())
                return
            step = max(1, READ_CHUNK // max(1, row * item))
            for r in range(0, rows, step):
                n = min(step, rows - r)
                buf = torch.empty((n, row), dtype=dtype)
                f.seek(offset + (start + r) * row * item)
                _read_exact(f, buf.view(torch.uint8).numpy())
                flat[r:r + n].copy_(buf)


def _read_exact(f: Any, view: Any) -> None:
    mv = memoryview(view).cast("B")
    got = 0
    while got < len(mv):
        n = f.readinto(mv[got:])
        if not n:
            raise UserError(f"{f.name}: the safetensors file ends early (truncated download?)")
        got += n


def mesh_for(device: torch.device):
    """A 1-d device mesh over the whole world (the default process group)."""
    import torch.distributed as dist
    from torch.distributed.device_mesh import init_device_mesh
    return init_device_mesh(device.type, (dist.get_world_size(),))


def shard_module(module: nn.Module, device: torch.device, mp_dtype: Optional[torch.dtype] = None,
                 reshard_after_forward: bool = True) -> nn.Module:
    """FSDP2 over each decoder layer and the root (forwards become collective)."""
    from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard
    mesh = mesh_for(device)
    kwargs: Dict[str, Any] = {"mesh": mesh, "reshard_after_forward": reshard_after_forward}
    if mp_dtype is not None:
        kwargs["mp_policy"] = MixedPrecisionPolicy(param_dtype=mp_dtype, reduce_dtype=torch.float32)
    for sub in module.modules():
        if type(sub).__name__ in DECODER_LAYERS and sub is not module:
            fully_shard(sub, **kwargs)
    fully_shard(module, **kwargs)
    return module


def materialize(module: nn.Module, device: torch.device) -> None:
    """Allocate the (local shards of the) meta parameters on `device`; buffers keep their values."""
    keep = {name: buf.detach().clone() for name, buf in module.named_buffers() if buf.device.type != "meta"}
    module.to_empty(device=device)
    for name, value in keep.items():
        owner, _, attr = name.rpartition(".")
        sub = module.get_submodule(owner) if owner else module
        setattr(sub, attr, value.to(device))


def local_rows(param: torch.Tensor) -> tuple:
    """(local tensor, first global row) of a parameter: a Shard(0) DTensor's rows, or all of it."""
    from torch.distributed.tensor import DTensor
    if not isinstance(param, DTensor):
        return param, 0
    local = param.to_local()
    mesh = param.device_mesh
    placement = param.placements[0]
    if not placement.is_shard() or getattr(placement, "dim", 0) != 0:
        raise RuntimeError(f"unexpected placement {placement} (dim-0 shards expected)")
    size, world, rank = param.shape[0], mesh.size(), mesh.get_local_rank()
    chunk = -(-size // world)                    # torch.chunk's sizes: ceil, the last ones short
    return local, min(rank * chunk, size)


@torch.no_grad()
def read_weights(module: nn.Module, index: SafetensorsIndex, where: str) -> None:
    """Fill every parameter's local rows from the checkpoint (tied parameters read once)."""
    names: Dict[int, List[str]] = {}
    params: Dict[int, torch.Tensor] = {}
    for name, p in module.named_parameters(remove_duplicate=False):
        names.setdefault(id(p), []).append(name)
        params[id(p)] = p
    missing, wrong = [], []
    for key, p in params.items():
        found = next((n for n in names[key] if n in index), None)
        if found is None:
            missing.append(names[key][0])
            continue
        if tuple(index.shape(found)) != tuple(p.shape):
            wrong.append(f"{found} {list(index.shape(found))} (model {list(p.shape)})")
            continue
        local, start = local_rows(p)
        if local.numel():
            index.read_rows(found, start, local)
    if missing or wrong:
        what = (f"no weights for {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}" if missing
                else f"weights of another shape: {', '.join(wrong[:2])}")
        raise UserError(f"{where}: the checkpoint has {what}")


def unit_weights_reader(module: nn.Module, index: SafetensorsIndex, where: str, adapter_seed: Optional[int] = None):
    """FSDP1's `param_init_fn` for a trained model built on the meta device: each module's own
    parameters are allocated whole and read from the checkpoint when FSDP wraps the unit they
    belong to, so a rank holds its shards plus one unit being flattened, never the whole model.

    `torch.utils.swap_tensors` keeps each Parameter object (the optimizer's weight-decay groups
    are chosen before wrapping, and tied parameters stay one); a tied one is read once. A peft
    model's base weights are read under their plain names; its LoRA adapters, which no
    checkpoint holds, are initialised from `adapter_seed` by name (hf.adapter_init), the same
    on every rank and as an unsharded load.
    """
    from .hf import adapter_init, plain_name
    names: Dict[int, List[str]] = {}
    for name, p in module.named_parameters(remove_duplicate=False):
        names.setdefault(id(p), []).append(name)

    @torch.no_grad()
    def init(sub: nn.Module) -> None:
        for p in sub.parameters(recurse=False):
            if p.device.type != "meta":
                continue                        # read already (a tied parameter)
            own = names.get(id(p), ["?"])
            real = torch.empty(p.shape, dtype=p.dtype)
            if adapter_seed is not None and ".lora_" in own[0]:
                adapter_init(own[0], real, adapter_seed)
            else:
                found = next((plain_name(n) for n in own if plain_name(n) in index), None)
                if found is None:
                    raise UserError(f"{where}: the checkpoint has no weights for {plain_name(own[0])}")
                if tuple(index.shape(found)) != tuple(p.shape):
                    raise UserError(f"{where}: the checkpoint has weights of another shape: {found} "
                                    f"{list(index.shape(found))} (model {list(p.shape)})")
                if real.numel():
                    index.read_rows(found, 0, real)
            torch.utils.swap_tensors(p, nn.Parameter(real, requires_grad=p.requires_grad))
    init.index, init.where = index, where        # type: ignore[attr-defined]  (finish() rebinds it after LoRA)
    return init
