"""Sharded checkpoints with torch.distributed.checkpoint (DCP): every rank writes its own shard.

Layout of `checkpoints/step-00000042/`: DCP's `.metadata` and `__<rank>_0.distcp` files (model
and optimizer state, each rank its shard; replicated tensors written once), `scheduler.pt`,
`rng.pt` (every rank's RNG state), `state.json`, `config.json`, and `manifest.json` last.

All ranks write into `.tmp-step-00000042/` (one name on the shared filesystem), fsync, meet at a
barrier; then rank 0 renames the manifest into place and the directory to its final name. A
directory without a manifest is never listed, so a kill at any point leaves the previous
checkpoint the newest complete one. DCP reshards on load: a checkpoint written by 2 ranks
resumes on 1 or on 4, FSDP or DDP alike.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List

import torch
import torch.nn as nn

from . import checkpoint as ckpt
from .distributed import Dist

MANIFEST = "manifest.json"


def available() -> bool:
    try:
        import torch.distributed.checkpoint as dcp  # noqa: F401
        from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict  # noqa: F401
    except ImportError:
        return False
    return hasattr(dcp, "save") and hasattr(dcp, "load")


def _state(module: nn.Module, opt: torch.optim.Optimizer) -> Dict[str, Any]:
    from torch.distributed.checkpoint.state_dict import get_state_dict
    model_sd, optim_sd = get_state_dict(module, opt)
    return {"model": model_sd, "optim": optim_sd}


def save(stage_dir: Path, step: int, module: nn.Module, opt: torch.optim.Optimizer,
         small: Dict[str, Any], state: Dict[str, Any], config: Dict[str, Any], d: Dist) -> None:
    """Collective: every rank writes its shard; rank 0 the small files, the manifest, the rename."""
    import torch.distributed.checkpoint as dcp
    root = ckpt.checkpoint_root(stage_dir)
    tmp, final = root / f".tmp-step-{step:08d}", root / f"step-{step:08d}"
    if d.is_main:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    d.barrier()
    dcp.save(_state(module, opt), checkpoint_id=str(tmp))
    ckpt.test_crash_hook("CHECKPOINT", step)
    if d.is_main:
        for name, obj in small.items():
            torch.save(obj, tmp / f"{name}.pt")
        (tmp / "state.json").write_text(json.dumps(state, sort_keys=True, indent=1))
        (tmp / "config.json").write_text(json.dumps(config, sort_keys=True, indent=1))
    ckpt.fsync_tree(tmp)                   # each rank its own files (and, harmlessly, the others')
    d.barrier()
    if d.is_main:
        files = sorted(p.name for p in tmp.iterdir())
        manifest = tmp / f".{MANIFEST}.tmp"
        manifest.write_text(json.dumps({"step": step, "world_size": d.world, "files": files}, indent=1))
        ckpt.fsync_file(manifest)
        os.rename(manifest, tmp / MANIFEST)
        os.rename(tmp, final)
        ckpt.fsync_dir(root)
        ckpt.prune(stage_dir, step)
    d.barrier()


def is_sharded_checkpoint(path: Path) -> bool:
    return (path / MANIFEST).exists()


def load(path: Path, module: nn.Module, opt: torch.optim.Optimizer) -> Dict[str, Any]:
    """Load model and optimizer state in place (resharded to this world); the small files."""
    import torch.distributed.checkpoint as dcp
    from torch.distributed.checkpoint.state_dict import set_state_dict
    state = _state(module, opt)
    dcp.load(state, checkpoint_id=str(path))
    set_state_dict(module, opt, model_state_dict=state["model"], optim_state_dict=state["optim"])
    return {p.stem: ckpt.load_pt(p) for p in sorted(path.glob("*.pt"))}


def manifest_files(path: Path) -> List[str]:
    return json.loads((path / MANIFEST).read_text())["files"]
