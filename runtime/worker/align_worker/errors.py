"""Errors the worker reports to users as one line, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (plan, data, flags, environment); printed as one line."""


class PlanError(UserError):
    """The plan is missing or has a wrong value; names the JSON pointer of the culprit."""

    def __init__(self, pointer: str, problem: str) -> None:
        super().__init__(f"{pointer or '/'}: {problem}")
        self.pointer = pointer
        self.problem = problem


class JudgeServerError(UserError):
    """The judge server refused a request or is gone; training cannot continue correctly."""


class ResumeError(UserError):
    """A checkpoint cannot be resumed (configuration changed, missing, or corrupt)."""


class StopRequested(Exception):
    """The run asked the stage to stop (preemption, time limit): a checkpoint was written at the
    step it names, and `--resume` continues from there. Not a failure of the stage's own."""
