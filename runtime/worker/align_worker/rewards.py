"""Raw rewards r(s,a), cached baselines r(s,ā), and the calibrated reward sigmoid(r(a) − r(ā)).

r(s,a) is a reward model's score, or for `judge(j)` rewards 1.0 when judge j is satisfied and
0.0 otherwise. The baseline ā is a data field or a response generated once per prompt by a
model; its score (and, for CRRAFT's fallback, its feasibility) is computed once and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

import torch

from .errors import JudgeServerError, UserError
from .judge_client import JudgeResult
from .losses import calibrated_reward
from .plan import RewardSpec

JudgeFn = Callable[[List[Dict[str, Any]], List[str], List[str]], List[JudgeResult]]


@dataclass
class Baseline:
    text: Optional[str]
    score: Optional[float]
    feasible: bool


class RewardFunction:
    """Scores responses and keeps one Baseline per prompt (keyed by source and prompt text)."""

    def __init__(self, spec: RewardSpec, score_model: Optional[Callable[[list, list], torch.Tensor]],
                 judge: JudgeFn, baseline_generator: Optional[Callable[[List[str], List[Dict[str, Any]]], List[str]]],
                 collective: bool = False) -> None:
        self.spec = spec
        self.score_model = score_model
        self.judge = judge
        self.generate_baselines = baseline_generator
        self.cache: Dict[tuple, Baseline] = {}
        # Sharded models forward collectively: every rank fills (maybe nothing) at every call.
        self.collective = collective

    def raw(self, rows: Sequence[Dict[str, Any]], prompts: List[str], responses: List[str],
            results: Sequence[JudgeResult]) -> torch.Tensor:
        """r(s,a) per sample."""
        if self.spec.source["type"] == "judge":
            return torch.tensor([judge_reward(r, self.spec) for r in results], dtype=torch.float32)
        assert self.score_model is not None
        return self.score_model(list(prompts), list(responses)).float()

    def baselines(self, rows: Sequence[Dict[str, Any]], prompts: List[str],
                  need_feasible: bool) -> List[Baseline]:
        """Baseline per prompt, computed on first use and cached for the whole run."""
        keys = [(r.get("source"), p) for r, p in zip(rows, prompts)]
        missing = [i for i, k in enumerate(keys) if k not in self.cache]
        if missing or self.collective:
            self._fill([rows[i] for i in missing], [prompts[i] for i in missing],
                       [keys[i] for i in missing], need_feasible)
        return [self.cache[k] for k in keys]

    def _fill(self, rows: List[Dict[str, Any]], prompts: List[str], keys: List[tuple],
              need_feasible: bool) -> None:
        btype = self.spec.baseline["type"]
        if btype == "none":
            for k in keys:
                self.cache[k] = Baseline(None, None, False)
            return
        texts = self._texts(rows, prompts)
        wants_judge = need_feasible or self.spec.source["type"] == "judge"
        judged = self.judge(rows, prompts, texts) if wants_judge and texts else [] if wants_judge else None
        scores = self.raw(rows, prompts, texts, judged) if judged is not None or self.score_model else None
        for i, k in enumerate(keys):
            self.cache[k] = Baseline(texts[i], None if scores is None else float(scores[i]),
                                     bool(judged[i].feasible and not judged[i].skip) if judged else False)

    def _texts(self, rows: List[Dict[str, Any]], prompts: List[str]) -> List[str]:
        if self.spec.baseline["type"] == "field":
            name = self.spec.baseline["field"]
            for r in rows:
                if not isinstance(r.get(name), str):
                    raise UserError(f"{self.spec.pointer}/baseline: a prompt row has no text field "
                                    f"{name!r} (source {r.get('source')!r})")
            return [r[name] for r in rows]
        assert self.generate_baselines is not None
        return self.generate_baselines(prompts, rows)

    def calibrated(self, raw: torch.Tensor, baselines: List[Baseline], k: int) -> torch.Tensor:
        """Rc = sigmoid(r(a) − r(ā)) per sample (samples prompt-major, k per prompt)."""
        if self.spec.baseline["type"] == "none":
            return calibrated_reward(raw)
        base = torch.tensor([b.score for b in baselines], dtype=raw.dtype).repeat_interleave(k)
        return calibrated_reward(raw, base)


def judge_reward(result: JudgeResult, spec: RewardSpec) -> float:
    """1.0 when the reward's judge is satisfied, else 0.0 (an error counts as not satisfied)."""
    name = spec.source["judge"]
    name = name if isinstance(name, str) else name.get("judge")
    verdict = result.verdicts.get(name)
    if verdict is None:
        raise JudgeServerError(f"{spec.pointer}/from: the judge server returned no verdict of judge "
                               f"{name!r}; a judge(...) reward's judge must be one of the task's judges")
    return 1.0 if verdict.get("status") == "satisfied" else 0.0
