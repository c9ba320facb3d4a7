"""Judge client against the loopback server: retries, backoff, 413 splitting, fatal errors."""

import pytest

from align_worker import planbuild as pb
from align_worker.errors import JudgeServerError
from align_worker.judge_client import JudgeClient, feasible_from_verdicts
from conftest import free_port


def plan():
    judges = {"math": pb.math_judge(), "short": {"variant": "length", "on_error": "violated", "scope": ["other"],
                                                 "unit": "chars", "min": None, "max": 2}}
    return pb.plan(judges=judges, tasks={"t": pb.task(["d"], "r", ["math", "short"], pb.optimizer())})


def samples(n=4):
    return [{"id": f"s{i}", "prompt": f"{i}+1=", "response": str(i + 1 if i % 2 == 0 else 0),
             "fields": {"answer": str(i + 1)}, "source": "d"} for i in range(n)]


def client(url, **kw):
    sleeps = []
    return JudgeClient(url, attempts=4, backoff_s=0.01, sleep=sleeps.append, **kw), sleeps


def test_verdicts_feasibility_and_scope(judge_server):
    c, _ = client(judge_server(plan()))
    res = c.judge("t", samples(4))
    assert [r.feasible for r in res] == [True, False, True, False]
    assert res[0].verdicts["math"]["status"] == "satisfied"
    assert res[1].verdicts["math"]["reason"] == "answer_mismatch"
    assert res[0].verdicts["short"]["status"] == "skipped"        # scoped to another source


def test_retries_503_and_429_then_succeeds(judge_server):
    c, sleeps = client(judge_server(plan(), fail_first=2, busy_first=1))
    assert len(c.judge("t", samples(2))) == 2
    assert c.calls == 4 and len(sleeps) == 3
    assert sleeps[0] == 0.01 and sleeps[1] == 0.02 and sleeps[2] == 0.0   # backoff, then Retry-After: 0


def test_413_splits_the_batch(judge_server):
    url = judge_server(plan(), max_samples=2)
    c, _ = client(url)
    res = c.judge("t", samples(5))
    assert [r.feasible for r in res] == [True, False, True, False, True]


def test_unknown_task_is_fatal_with_the_servers_message(judge_server):
    c, sleeps = client(judge_server(plan()))
    with pytest.raises(JudgeServerError, match="HTTP 404: unknown_task"):
        c.judge("nope", samples(1))
    assert sleeps == []


def test_server_gone_is_a_clear_stop():
    c, sleeps = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(JudgeServerError, match="is gone or not answering \\(4 attempts"):
        c.judge("t", samples(1))
    assert len(sleeps) == 3


def test_error_policy():
    err = {"math": {"status": "error"}, "x": {"status": "satisfied"}}
    assert not feasible_from_verdicts(err, {"math": "violated"}).feasible
    assert feasible_from_verdicts(err, {"math": "satisfied"}).feasible
    skip = feasible_from_verdicts(err, {"math": "skip_sample"})
    assert skip.skip
    assert feasible_from_verdicts({"math": {"status": "skipped"}}, {}).feasible
