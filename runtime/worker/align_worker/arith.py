"""A synthetic arithmetic task for the built-in model: "12+7=" → "19".

Small enough that a 2-layer byte-level transformer learns part of it in a minute of CPU SFT,
leaving room for CRPG with a math-answer judge to raise the pass rate further.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Dict, List, Tuple


def problems(max_operand: int = 19) -> List[Tuple[int, int]]:
    return [(a, b) for a in range(max_operand + 1) for b in range(max_operand + 1)]


def rows(pairs: List[Tuple[int, int]]) -> List[Dict[str, str]]:
    return [{"prompt": f"{a}+{b}=", "answer": str(a + b), "response": str(a + b)} for a, b in pairs]


def split(seed: int = 0, max_operand: int = 19, n_test: int = 80) -> Tuple[List[Dict[str, str]], List[Dict[str, str]]]:
    """Train and held-out rows (disjoint problems)."""
    pairs = problems(max_operand)
    random.Random(seed).shuffle(pairs)
    return rows(pairs[n_test:]), rows(pairs[:n_test])


def write_jsonl(items: List[Dict[str, str]], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in items))
    return path


def slip_rows(pairs: List[Tuple[int, int]], slip: int = 1) -> List[Dict[str, str]]:
    """Two demonstrations per problem: the right answer, and the same systematic slip
    (sum + `slip`, as a careless demonstrator who half the time adds one too many).

    A model that learns addition from these learns the slip too: for every problem, train or
    held-out, it is torn between the right answer and the slipped one (greedy decoding is about
    a coin flip), which is what a verifier-driven optimizer (CRPG with a math judge) can fix.
    """
    out = []
    for a, b in pairs:
        for resp in (a + b, a + b + slip):
            out.append({"prompt": f"{a}+{b}=", "answer": str(a + b), "response": str(resp)})
    return out


def noisy_rows(pairs: List[Tuple[int, int]], seed: int = 0) -> List[Dict[str, str]]:
    """Two demonstrations per problem, one right and one wrong (off by 1-3): imitation alone
    reaches about half right; a verifier-driven optimizer (CRPG) can do better."""
    rng = random.Random(seed)
    out = []
    for a, b in pairs:
        wrong = a + b + rng.choice([-3, -2, -1, 1, 2, 3])
        for resp in (a + b, wrong if wrong >= 0 else a + b + 1):
            out.append({"prompt": f"{a}+{b}=", "answer": str(a + b), "response": str(resp)})
    return out
