"""A small judge server in Python that speaks the documented HTTP contract (docs/plan.md).

It is the test double of the TypeScript judge server (runtime/server): tests and the learning
demo run it on loopback. Rule judges only: math_answer, contains, regex, length. Fault
injection (503s, 429s, a batch limit) exercises the client's retry paths.

    python -m align_worker.devserver --plan plan.json --port 8123
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

NUMBER = r"-?\d+(?:\.\d+)?(?:/\d+)?"


def _number(text: str) -> Optional[float]:
    text = text.strip().rstrip(".").replace(",", "")
    try:
        if "/" in text:
            a, b = text.split("/", 1)
            return float(a) / float(b)
        return float(text)
    except (ValueError, ZeroDivisionError):
        return None


def extract_answer(response: str, methods: List[str]) -> Optional[str]:
    """The answer by the first method that finds one: final_answer, boxed, last_number."""
    for m in methods:
        if m == "final_answer":
            hit = re.findall(r"final answer is[:\s]*\$?([^\n$]+?)\$?\s*\.?\s*$", response, re.I | re.M)
        elif m == "boxed":
            hit = re.findall(r"\\boxed\{([^{}]*)\}", response)
        else:
            hit = re.findall(NUMBER, response)
        if hit:
            return hit[-1].strip()
    return None


def math_answer(judge: Dict[str, Any], sample: Dict[str, Any]) -> Tuple[str, str]:
    field = (judge.get("answer") or {"field": "answer"}).get("field", "answer")
    truth = sample.get("fields", {}).get(field)
    if truth is None:
        return "error", "missing_field"
    got = extract_answer(sample["response"], judge.get("extract") or ["final_answer", "boxed", "last_number"])
    if got is None:
        return "violated", "no_answer_found"
    a, b = _number(got), _number(str(truth))
    if a is not None and b is not None:
        tol = float(judge.get("tolerance", 1e-6))
        ok = math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    else:
        ok = got.strip() == str(truth).strip()
    return ("satisfied", "answer_match") if ok else ("violated", "answer_mismatch")


def rule(judge: Dict[str, Any], sample: Dict[str, Any]) -> Tuple[str, str]:
    v, text = judge["variant"], sample["response"]
    if v == "math_answer":
        return math_answer(judge, sample)
    if v == "contains":
        cs = judge.get("case_sensitive", True)
        hits = [(x if cs else x.lower()) in (text if cs else text.lower()) for x in judge["values"]]
        mode = judge.get("mode", "any")
        ok = any(hits) if mode == "any" else all(hits) if mode == "all" else not any(hits)
        return ("satisfied", "contains_ok") if ok else ("violated", "contains_failed")
    if v == "regex":
        found = re.search(judge["pattern"], text) is not None
        ok = found == (judge.get("expect", "match") == "match")
        return ("satisfied", "regex_ok") if ok else ("violated", "regex_failed")
    if v == "length":
        n = len(text.split()) if judge.get("unit", "words") == "words" else len(text)
        ok = (judge.get("min") is None or n >= judge["min"]) and (judge.get("max") is None or n <= judge["max"])
        return ("satisfied", "length_ok") if ok else ("violated", "length_out_of_range")
    return "error", "unsupported_judge"


class JudgeApp:
    """Tasks (and judging stages) → judges, read from the plan; evaluates batches."""

    def __init__(self, plan: Dict[str, Any], fail_first: int = 0, busy_first: int = 0,
                 max_samples: Optional[int] = None) -> None:
        self.judges = plan.get("judges", {})
        # As runtime/judges/units.ts: unit name -> judges; reward-only judges (a task's
        # `reward = judge(j)`) are reported but never decide feasibility.
        self.groups: Dict[str, List[str]] = {}
        self.reward_only: Dict[str, List[str]] = {}
        for name, task in plan.get("tasks", {}).items():
            names = [j["judge"] for j in task.get("judges", [])]
            rw = plan.get("rewards", {}).get(task.get("reward", {}).get("reward"), {}).get("from", {})
            extra = [rw["judge"]] if rw.get("type") == "judge" and rw["judge"] not in names else []
            self.groups[name], self.reward_only[name] = names + extra, extra
        for name, stage in plan.get("stages", {}).items():
            keep = [j if isinstance(j, str) else j["judge"] for j in (stage.get("keep") or {}).get("judges", [])]
            names = list(dict.fromkeys([j["judge"] for j in stage.get("judges") or []] + keep))
            if names and stage.get("variant") in ("generate", "judge", "eval") and name not in self.groups:
                self.groups[name], self.reward_only[name] = names, []
        self.fail_first, self.busy_first, self.max_samples = fail_first, busy_first, max_samples
        self.requests = 0
        self.prompts: List[str] = []        # every sample's prompt, as judged (tests read it)
        self.lock = threading.Lock()

    def verdicts(self, task: str, sample: Dict[str, Any]) -> Dict[str, Any]:
        self.prompts.append(str(sample.get("prompt", "")))
        out, feasible, skip = {}, True, False
        for name in self.groups[task]:
            j = self.judges[name]
            t0 = time.perf_counter()
            scope = j.get("scope")
            if scope is not None and sample.get("source") not in [s if isinstance(s, str) else s["dataset"] for s in scope]:
                status, reason = "skipped", "out_of_scope"
            else:
                status, reason = rule(j, sample)
            out[name] = {"status": status, "reason": reason, "latency_ms": (time.perf_counter() - t0) * 1e3}
            if name in self.reward_only[task]:
                continue
            if status == "violated":
                feasible = False
            elif status == "error":
                policy = j.get("on_error", "violated")
                feasible &= policy == "satisfied"
                skip |= policy == "skip_sample"
        return {"id": sample["id"], "feasible": feasible, "skip": skip, "verdicts": out}

    def handle(self, body: bytes) -> Tuple[int, Dict[str, Any], Dict[str, str]]:
        with self.lock:
            self.requests += 1
            n = self.requests
        if n <= self.fail_first:
            return 503, {"error": {"code": "unavailable", "message": "starting"}}, {}
        if n <= self.fail_first + self.busy_first:
            return 429, {"error": {"code": "busy", "message": "queue full"}}, {"Retry-After": "0"}
        try:
            req = json.loads(body)
            task, samples = req["task"], req["samples"]
        except (ValueError, KeyError, TypeError):
            return 400, {"error": {"code": "bad_request", "message": "expected {task, samples}"}}, {}
        if task not in self.groups:
            return 404, {"error": {"code": "unknown_task", "message": f"unknown task {task!r}"}}, {}
        if self.max_samples is not None and len(samples) > self.max_samples:
            return 413, {"error": {"code": "too_large", "message": "too many samples"}}, {}
        t0 = time.perf_counter()
        results = [self.verdicts(task, s) for s in samples]
        return 200, {"task": task, "results": results, "timings": {"total_ms": (time.perf_counter() - t0) * 1e3}}, {}


def serve(app: JudgeApp, port: int = 0) -> ThreadingHTTPServer:
    """Start on 127.0.0.1 (port 0 = any free port) in a daemon thread; returns the server."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, obj: Dict[str, Any], headers: Dict[str, str]) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._send(200, {"status": "ok"}, {})
            else:
                self._send(404, {"error": {"code": "not_found", "message": self.path}}, {})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/v1/judge":
                self._send(404, {"error": {"code": "not_found", "message": self.path}}, {})
                return
            self._send(*app.handle(body))

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plan", required=True)
    ap.add_argument("--port", type=int, default=8123)
    args = ap.parse_args()
    with open(args.plan, encoding="utf-8") as f:
        server = serve(JudgeApp(json.load(f)), args.port)
    print(f"judge server on http://127.0.0.1:{server.server_address[1]}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
