"""Client of the judge server's batch API (docs/plan.md, "Judge server HTTP contract").

Retries what can succeed later (connection refused, timeouts, 429 with Retry-After, 503, other
5xx) with capped exponential backoff; splits a batch the server finds too large (413); stops
with one clear line for what cannot (400, 404, a server that stays gone).
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .errors import JudgeServerError

# 408: the judge server timed out a body that stopped arriving (docs/server.md); resend it.
RETRYABLE = {408, 429, 500, 502, 503, 504}


@dataclass
class JudgeResult:
    """One sample's outcome: feasibility after the error policy, skip, and per-judge verdicts."""
    feasible: bool
    skip: bool
    verdicts: Dict[str, Dict[str, Any]] = field(default_factory=dict)


@dataclass
class JudgeClient:
    url: str
    timeout_s: float = 120.0
    attempts: int = 6
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_batch: int = 512
    sleep: Callable[[float], None] = time.sleep
    calls: int = 0

    def judge(self, task: str, samples: List[Dict[str, Any]]) -> List[JudgeResult]:
        """Judge samples (dicts with id, prompt, response, fields, source), in input order."""
        results: List[JudgeResult] = []
        for i in range(0, len(samples), self.max_batch):
            results.extend(self._judge_batch(task, samples[i:i + self.max_batch]))
        return results

    def _judge_batch(self, task: str, samples: List[Dict[str, Any]]) -> List[JudgeResult]:
        status, body = self._post(task, samples)
        if status == 413 and len(samples) > 1:
            half = len(samples) // 2
            return self._judge_batch(task, samples[:half]) + self._judge_batch(task, samples[half:])
        if status != 200:
            raise JudgeServerError(f"judge server {self.url} rejected task {task!r}: "
                                   f"HTTP {status}: {_message(body)}")
        return _parse(body, samples, task)

    def _post(self, task: str, samples: List[Dict[str, Any]]) -> tuple:
        data = json.dumps({"task": task, "samples": samples}).encode()
        delay, last = self.backoff_s, ""
        for attempt in range(1, self.attempts + 1):
            self.calls += 1
            req = urllib.request.Request(self.url.rstrip("/") + "/v1/judge", data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if exc.code not in RETRYABLE:
                    return exc.code, body
                last = f"HTTP {exc.code}"
                wait = _retry_after(exc.headers.get("Retry-After"), delay)
            except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"{type(reason).__name__}: {reason}"
                wait = delay
            if attempt < self.attempts:
                self.sleep(min(wait, self.max_backoff_s))
                delay = min(delay * 2, self.max_backoff_s)
        raise JudgeServerError(f"judge server {self.url} is gone or not answering "
                               f"({self.attempts} attempts, last: {last}); start it or pass --judge-url")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + "/healthz", timeout=5) as resp:
                return json.loads(resp.read()).get("status") == "ok"
        except (OSError, ValueError):
            return False


def _retry_after(header: Optional[str], default: float) -> float:
    try:
        return max(0.0, float(header)) if header is not None else default
    except ValueError:
        return default


def _message(body: bytes) -> str:
    try:
        err = json.loads(body)["error"]
        return f"{err.get('code', 'error')}: {err.get('message', '')}"
    except (ValueError, KeyError, TypeError):
        return body[:200].decode("utf-8", errors="replace") or "(empty body)"


def _parse(body: bytes, samples: List[Dict[str, Any]], task: str) -> List[JudgeResult]:
    """Results matched to samples by id; a malformed answer is a server bug, reported plainly."""
    try:
        by_id = {r["id"]: r for r in json.loads(body)["results"]}
        out = []
        for s in samples:
            r = by_id[s["id"]]
            out.append(JudgeResult(bool(r["feasible"]), bool(r.get("skip", False)),
                                   dict(r.get("verdicts") or {})))
        return out
    except (ValueError, KeyError, TypeError) as exc:
        raise JudgeServerError(f"judge server answered task {task!r} with a malformed body "
                               f"({type(exc).__name__}: {exc})") from None


def feasible_from_verdicts(verdicts: Dict[str, Dict[str, Any]], on_error: Dict[str, str]) -> JudgeResult:
    """The MoJ rule, for checks and offline use: feasible iff every in-scope judge is satisfied.

    An error counts as the judge's on_error policy (violated | satisfied | skip_sample);
    `skipped` (out of scope for the sample's source) does not constrain.
    """
    feasible, skip = True, False
    for name, v in verdicts.items():
        status = v.get("status")
        if status == "error":
            policy = on_error.get(name, "violated")
            skip |= policy == "skip_sample"
            feasible &= policy == "satisfied"
        elif status == "violated":
            feasible = False
    return JudgeResult(feasible, skip, verdicts)
