"""What every stage runner receives: the parsed stage, paths, flags and the process group."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .distributed import Dist
from .judge_client import JudgeClient
from .plan import StageSpec


@dataclass
class RunContext:
    spec: StageSpec
    base_dir: Path            # plan paths are relative to this (the root recipe's directory)
    run_dir: Path             # shared by all stages of a run; stage outputs live in run_dir/<stage>
    judge_url: Optional[str]
    resume: bool
    dist: Dist

    @property
    def stage_dir(self) -> Path:
        return self.run_dir / self.spec.name

    def judge_client(self, needed_by: str) -> JudgeClient:
        from .errors import UserError
        if not self.judge_url:
            raise UserError(f"{needed_by} needs judges: pass --judge-url URL (or set ALIGN_JUDGE_URL)")
        return JudgeClient(self.judge_url)
