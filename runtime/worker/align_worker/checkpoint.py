"""Atomic checkpoints and the configuration hash that guards `--resume`.

Layout: <run-dir>/<stage>/checkpoints/step-00000042/ with model.pt, optimizer.pt, rng.pt
(one state per rank), state.json (step, data position, scheduler, hash) and config.json (the
hashed configuration). A checkpoint directory only ever appears by rename of a finished,
fsynced temporary directory, so a crash leaves the previous checkpoint or none, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import torch

from .errors import ResumeError
from .pointer import escape

STEP_DIR = re.compile(r"^step-(\d{8})$")
KEEP_LAST = 2


def fsync_tree(path: Path) -> None:
    """fsync every file below `path`, then the directories themselves."""
    for root, dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def fsync_file(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_dir(final: Path, write: Callable[[Path], None]) -> None:
    """Build a directory in a temp sibling, fsync it, and rename it into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    write(tmp)
    fsync_tree(tmp)
    old = None
    if final.exists():
        old = final.parent / f".old-{final.name}-{os.getpid()}"
        os.rename(final, old)
    os.rename(tmp, final)
    fsync_dir(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def config_hash(config: Dict[str, Any]) -> str:
    """sha256 over the canonical JSON of the stage's configuration closure."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def flatten(value: Any, prefix: str = "") -> Dict[str, Any]:
    """Leaves of a JSON value keyed by JSON pointer, for naming what changed."""
    if isinstance(value, dict) and value:
        out: Dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}/{escape(str(k))}"))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}/{i}"))
        return out
    return {prefix: value}


def config_diff(old: Dict[str, Any], new: Dict[str, Any]) -> List[str]:
    """Pointers whose values differ. Closure keys are already pointers into the plan."""
    a, b = {}, {}
    for key, v in old.items():
        a.update(flatten(v, key) if key.startswith("/") else {key: v})
    for key, v in new.items():
        b.update(flatten(v, key) if key.startswith("/") else {key: v})
    return sorted(k for k in set(a) | set(b) if a.get(k, "\0absent") != b.get(k, "\0absent"))


def checkpoint_root(stage_dir: Path) -> Path:
    return stage_dir / "checkpoints"


def list_checkpoints(stage_dir: Path) -> List[Path]:
    """Complete checkpoints, oldest first (temp directories are never listed)."""
    root = checkpoint_root(stage_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if STEP_DIR.match(p.name) and p.is_dir())


def save_checkpoint(stage_dir: Path, step: int, payload: Dict[str, Any], state: Dict[str, Any],
                    config: Dict[str, Any]) -> Path:
    """Write one checkpoint atomically and drop all but the newest KEEP_LAST."""
    final = checkpoint_root(stage_dir) / f"step-{step:08d}"

    def write(tmp: Path) -> None:
        for name, obj in payload.items():
            torch.save(obj, tmp / f"{name}.pt")
            test_crash_hook("CHECKPOINT", step)
        (tmp / "state.json").write_text(json.dumps(state, sort_keys=True, indent=1))
        (tmp / "config.json").write_text(json.dumps(config, sort_keys=True, indent=1))
    atomic_dir(final, write)
    prune(stage_dir, step)
    return final


def prune(stage_dir: Path, step: int) -> None:
    """Drop all but the newest KEEP_LAST checkpoints: each is renamed out of the step-N names
    first, so a kill while deleting leaves a hidden leftover (removed at the next start), never
    a half-deleted step-N that would look complete."""
    for old in list_checkpoints(stage_dir)[:-KEEP_LAST]:
        doomed = old.parent / f".old-{old.name}"
        os.rename(old, doomed)
        fsync_dir(old.parent)
        test_crash_hook("PRUNE", step)
        shutil.rmtree(doomed, ignore_errors=True)


def test_crash_hook(where: str, step: int) -> None:
    """Tests set ALIGN_WORKER_TEST_KILL_IN_CHECKPOINT=<step> (or ..._IN_PRUNE) to die in the
    middle of writing (or pruning) at that step: the atomicity tests."""
    if os.environ.get(f"ALIGN_WORKER_TEST_KILL_IN_{where}") == str(step):
        os.kill(os.getpid(), signal.SIGKILL)



def clean_temp(stage_dir: Path) -> None:
    """Remove temp directories a killed writer left behind (they were never visible as steps)."""
    root = checkpoint_root(stage_dir)
    if root.is_dir():
        for p in root.iterdir():
            if p.name.startswith((".tmp-", ".old-")):
                shutil.rmtree(p, ignore_errors=True)


def load_latest(stage_dir: Path, config: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The newest checkpoint's state and payload, refusing one whose configuration differs."""
    found = list_checkpoints(stage_dir)
    if not found:
        return None
    path = found[-1]
    try:
        state = json.loads((path / "state.json").read_text())
        saved = json.loads((path / "config.json").read_text())
    except (OSError, ValueError) as exc:
        raise ResumeError(f"checkpoint {path} is unreadable: {exc}") from None
    if state.get("config_hash") != config_hash(config):
        changed = config_diff(saved, config)
        shown = ", ".join(changed[:8]) + (f" (+{len(changed) - 8} more)" if len(changed) > 8 else "")
        raise ResumeError(f"cannot resume from {path}: the stage configuration changed since it "
                          f"was written ({shown or 'hash differs'}); use a new run directory "
                          f"or restore those fields")
    # Sharded (DCP) checkpoints are read by every rank into its own shards (sharded_checkpoint);
    # the legacy one-file-per-part format is read whole here.
    sharded = (path / "manifest.json").exists()
    payload = None if sharded else {p.stem: load_pt(p) for p in sorted(path.glob("*.pt"))}
    return {"path": path, "state": state, "payload": payload, "sharded": sharded}


def load_pt(path: Path) -> Any:
    """torch.load of our own files (they hold RNG tuples, so not weights-only)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:                      # torch < 1.13 has no weights_only
        return torch.load(path, map_location="cpu")
