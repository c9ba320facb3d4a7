"""Data sources: jsonl datasets with field mapping, earlier stages' outputs, inline renders;
templates; and the deterministic, resumable order in which rows are drawn.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .errors import UserError
from .models import resolve_path
from .plan import DataSpec
from .seeding import derive_seed

SLOT = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.]*)\}")
STAGE_OUTPUT = "output.jsonl"


def read_jsonl(path: Path, where: str) -> List[Dict[str, Any]]:
    """Rows of a JSON-lines file; a bad line is reported with its file:line."""
    if not path.is_file():
        raise UserError(f"{where}: data file {path} does not exist")
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise UserError(f"{path}:{n}: expected a JSON object per line")
            rows.append(row)
    return rows


def map_fields(row: Dict[str, Any], fields: Dict[str, str]) -> Dict[str, Any]:
    """Logical fields from the dataset's column mapping; unmapped columns keep their names."""
    out = {k: v for k, v in row.items() if k not in fields.values()}
    for logical, column in fields.items():
        if column in row:
            out[logical] = row[column]
    return out


def render(template: Optional[Dict[str, Any]], row: Dict[str, Any], where: str) -> str:
    """Fill `{slot}` from the row's fields; `{{` and `}}` are literal braces; no template = prompt."""
    if template is None:
        return str(row.get("prompt", ""))

    def fill(m: "re.Match[str]") -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        name = m.group(1)
        if name not in row:
            raise UserError(f"{where}: template slot {{{name}}} has no field {name!r} in the data "
                            f"(fields: {', '.join(sorted(row)) or 'none'})")
        value = row[name]
        return value if isinstance(value, str) else json.dumps(value)
    return SLOT.sub(fill, template["text"])


def load_rows(spec: DataSpec, base_dir: Path, run_dir: Path) -> List[Dict[str, Any]]:
    """All rows of a data source, each with `source` set (the dataset or stage name)."""
    if spec.kind == "dataset":
        ds = spec.dataset
        assert ds is not None
        rows = [map_fields(r, ds.fields) for r in read_jsonl(resolve_path(base_dir, ds.path), ds.pointer)]
        if ds.limit is not None:
            rows = rows[:ds.limit]
        return [{**r, "source": spec.name} for r in rows]
    if spec.kind == "stage":
        rows = read_jsonl(run_dir / spec.name / STAGE_OUTPUT,
                          f"{spec.pointer} (output of stage {spec.name!r}; has it run?)")
        return [{**r, "source": r.get("source", spec.name)} for r in rows]
    assert spec.render_from is not None and spec.target is not None
    return [render_row(r, spec.template, spec.target, spec.pointer)
            for r in load_rows(spec.render_from, base_dir, run_dir)]


def render_row(row: Dict[str, Any], template: Optional[Dict[str, Any]], target: str,
               where: str) -> Dict[str, Any]:
    """A render: the template becomes the prompt and field `target` the training target."""
    if target not in row:
        raise UserError(f"{where}: render target field {target!r} is not in the data "
                        f"(fields: {', '.join(sorted(row))})")
    return {**row, "prompt": render(template, row, where), "target": row[target]}


def sft_target(row: Dict[str, Any], where: str) -> str:
    """The supervised target: `target`, else `response`, else `chosen`."""
    for key in ("target", "response", "chosen"):
        if isinstance(row.get(key), str):
            return row[key]
    raise UserError(f"{where}: a training row has no target, response or chosen text "
                    f"(fields: {', '.join(sorted(row))})")


class Order:
    """Which row comes at each global position: epoch-wise permutations of a fixed seed.

    The position is the only state, so resuming needs just the number of rows consumed.
    """

    def __init__(self, n: int, seed: int, shuffle: bool, name: str) -> None:
        if n == 0:
            raise UserError(f"{name}: the data source is empty")
        self.n, self.seed, self.shuffle, self.name = n, seed, shuffle, name
        self._cache: Dict[int, np.ndarray] = {}

    def _perm(self, epoch: int) -> np.ndarray:
        if epoch not in self._cache:
            if self.shuffle:
                rng = np.random.default_rng(derive_seed(self.seed, self.name, epoch) % (2**63))
                self._cache = {epoch: rng.permutation(self.n)}
            else:
                self._cache = {epoch: np.arange(self.n)}
        return self._cache[epoch]

    def take(self, start: int, count: int) -> List[int]:
        """Row indices at global positions start .. start+count-1."""
        return [int(self._perm(p // self.n)[p % self.n]) for p in range(start, start + count)]


def rank_slice(items: List[Any], rank: int, world: int, what: str) -> List[Any]:
    """This rank's contiguous share of a global batch; the batch must divide evenly."""
    if len(items) % world:
        raise UserError(f"{what}: batch of {len(items)} does not divide over {world} ranks")
    per = len(items) // world
    return items[rank * per:(rank + 1) * per]
