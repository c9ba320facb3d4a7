"""The final model of an FSDP-trained Hugging Face policy, written from the shards.

FSDP gathers one unit at a time (a decoder layer, an untied embedding, the root's rest) and
only on rank 0, which writes that unit's tensors as one safetensors file and lets them go: no
rank ever holds more than one gathered unit beyond its shard. The files and their index follow
save_pretrained's sharded layout (`model-00001-of-00042.safetensors`, ...,
`model.safetensors.index.json`), which from_pretrained reads; LoRA adapters are merged unit by
unit (a LoRA layer's base weight and adapters sit in one unit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn

from .checkpoint import atomic_dir
from .distributed import Dist
from .hf import WRAPPERS, lora_layers, merge_lora_state, save_tokenizer, write_config_dtype

INDEX = "model.safetensors.index.json"


def clean(name: str) -> str:
    """A parameter's state-dict name: FSDP's and activation checkpointing's wrappers removed."""
    for w in WRAPPERS:
        name = name.replace(w, "")
    return name


def units_and_params(root: nn.Module) -> List[Tuple[nn.Module, Dict[str, nn.Parameter]]]:
    """Every FSDP unit with the parameters it owns (not those of units nested in it), by
    state-dict name; units owning none are left out. Tied weights appear once, as in
    save_pretrained."""
    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
    units = [(clean(name), m) for name, m in root.named_modules() if isinstance(m, FSDP)]
    owned: Dict[int, Dict[str, nn.Parameter]] = {id(m): {} for _, m in units}
    for name, param in root.named_parameters():
        name = clean(name)
        # The deepest unit whose prefix the name starts with owns it (the root's prefix is "").
        _, unit = max(((p, m) for p, m in units if not p or name.startswith(p + ".")), key=lambda u: len(u[0]))
        owned[id(unit)][name] = param
    return [(m, owned[id(m)]) for _, m in units if owned[id(m)]]


def save_from_shards(lm, out_dir: Path, d: Dist, dtype: Optional[torch.dtype] = None) -> None:
    """Collective: the FSDP policy `lm` as a Hugging Face directory in `out_dir` (rank 0 writes,
    atomically: a temp directory renamed into place), in `dtype` (the model's declared dtype;
    None: the master weights') as the unsharded save writes it."""
    if d.is_main:
        atomic_dir(out_dir, lambda tmp: _write(lm, tmp, d, dtype))
    else:
        _write(lm, None, d, dtype)
    d.barrier()


def _write(lm, out: Optional[Path], d: Dist, dtype: Optional[torch.dtype]) -> None:
    from safetensors.torch import save_file
    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
    from .models import MODEL_META
    module = lm.unwrapped()
    peft = hasattr(module, "merge_and_unload")
    lora = lora_layers(module) if peft else {}
    units = units_and_params(lm.module)
    weight_map: Dict[str, str] = {}
    total = 0
    gpu = d.device.type == "cuda"
    for i, (unit, params) in enumerate(units):
        # Offloading on CPU segfaults torch 2.13 (see trainer._gather_state); on GPU it keeps the
        # gathered unit in host memory.
        with FSDP.summon_full_params(unit, recurse=False, writeback=False, rank0_only=True, offload_to_cpu=gpu):
            if out is None:
                continue
            # Views of the gathered unit, written before it is freed again: no copy of our own.
            tensors = {name: p.detach().cpu().contiguous() for name, p in params.items()}
            tensors = merge_lora_state(tensors, lora) if peft else tensors
            if dtype is not None:
                tensors = {k: v.to(dtype) for k, v in tensors.items()}
            name = f"model-{i + 1:05d}-of-{len(units):05d}.safetensors"
            save_file(tensors, str(out / name), metadata={"format": "pt"})
            weight_map.update({k: name for k in tensors})
            total += sum(t.numel() * t.element_size() for t in tensors.values())
            del tensors
    if out is None:
        return
    (out / INDEX).write_text(json.dumps({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))},
                                        indent=2, sort_keys=True))
    base = module.get_base_model() if peft else module
    base.config.save_pretrained(str(out))
    if dtype is not None:
        write_config_dtype(out, dtype)
    if getattr(base, "generation_config", None) is not None and base.can_generate():
        base.generation_config.save_pretrained(str(out))
    save_tokenizer(lm, out)
    (out / MODEL_META).write_text(json.dumps(lm.meta, sort_keys=True))
