"""Typed access into plan JSON that reports failures by JSON pointer.

Every read of the plan goes through `Node`, so a wrong value is reported as
`/stages/train/lr: expected a number, got "fast"` rather than a KeyError deep in training.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, List, Optional

from .errors import PlanError

_TYPE_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
               list: "a list", dict: "an object"}


def escape(token: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def describe(value: Any) -> str:
    """Short rendering of a bad value for an error message."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Node:
    """A value in the plan together with its JSON pointer."""

    def __init__(self, value: Any, pointer: str = "") -> None:
        self.value = value
        self.pointer = pointer

    def fail(self, problem: str) -> PlanError:
        return PlanError(self.pointer, problem)

    def child(self, key: str) -> "Node":
        """The member `key` of an object; missing members are an error (the plan fills defaults)."""
        obj = self.obj()
        if key not in obj:
            return _missing(self.pointer + "/" + escape(key))
        return Node(obj[key], self.pointer + "/" + escape(key))

    def opt(self, key: str) -> "Node":
        """The member `key`, or a null node when absent (for fields older plans may omit)."""
        obj = self.obj()
        return Node(obj.get(key), self.pointer + "/" + escape(key))

    def items(self) -> Iterator["Node"]:
        for i, v in enumerate(self.list()):
            yield Node(v, f"{self.pointer}/{i}")

    def is_null(self) -> bool:
        return self.value is None

    def obj(self) -> dict:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, got {describe(self.value)}")
        return self.value

    def list(self) -> list:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {describe(self.value)}")
        return self.value

    def str(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected a string, got {describe(self.value)}")
        return self.value

    def bool(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected a boolean, got {describe(self.value)}")
        return self.value

    def num(self, minimum: Optional[float] = None, positive: bool = False) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail(f"expected a number, got {describe(v)}")
        if positive and not v > 0:
            raise self.fail(f"expected a number > 0, got {describe(v)}")
        if minimum is not None and v < minimum:
            raise self.fail(f"expected a number >= {minimum:g}, got {describe(v)}")
        return float(v)

    def int(self, minimum: Optional[int] = None) -> int:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            else:
                raise self.fail(f"expected an integer, got {describe(v)}")
        if minimum is not None and v < minimum:
            raise self.fail(f"expected an integer >= {minimum}, got {describe(v)}")
        return int(v)

    def enum(self, members: List[str]) -> str:
        s = self.str()
        if s not in members:
            raise self.fail(f"expected one of {', '.join(members)}, got {describe(s)}")
        return s

    def opt_int(self, minimum: Optional[int] = None) -> Optional[int]:
        return None if self.is_null() else self.int(minimum)

    def opt_num(self, minimum: Optional[float] = None) -> Optional[float]:
        return None if self.is_null() else self.num(minimum)


class _Missing(Node):
    """A node for an absent member: any typed read fails with 'missing'."""

    def fail(self, problem: str) -> PlanError:
        return PlanError(self.pointer, "missing (required)")

    def opt(self, key: str) -> Node:
        raise self.fail("")

    def is_null(self) -> bool:
        raise self.fail("")


def _missing(pointer: str) -> Node:
    return _Missing(None, pointer)
