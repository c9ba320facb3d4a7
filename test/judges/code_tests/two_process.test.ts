/**
 * The tests run in the harness's judge process and the solution in its runner: what the tests
 * do with the solution's values must still behave as Python does in one process (objects of
 * the solution's classes, generators, exceptions, arguments mutated in place, calls answered
 * ahead of the tests and the fallback when the tests leave their straight-line prefix).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../../runtime/judges/code_tests/index.js";
import type { Judgement } from "../../../runtime/judges/types.js";
import { SandboxPool } from "../../../runtime/sandbox/index.js";
import { requireSandbox, SKIP_SANDBOX } from "../../sandbox/helpers.js";

const pool = new SandboxPool({ concurrency: 2 });
const judge = createCodeTestsJudge("unit_tests", { timeout: 20 }, { pool });

async function judged(code: string, tests: unknown, extra: Record<string, unknown> = {}): Promise<Judgement> {
  return judge.evaluate({ prompt: "", response: "```python\n" + code + "\n```", fields: { tests, ...extra } }, {});
}

describe.skipIf(SKIP_SANDBOX)("code_tests across the judge and runner processes", () => {
  beforeAll(requireSandbox);

  it("uses the solution's classes, instances, generators and methods through handles", async () => {
    const code = [
      "class Pair:",
      "    def __init__(self, a, b):",
      "        self.a, self.b = a, b",
      "    def __eq__(self, other):",
      "        return isinstance(other, Pair) and (self.a, self.b) == (other.a, other.b)",
      "    def __len__(self):",
      "        return 2",
      "def longest(pairs):",
      "    return max(p.b - p.a for p in pairs)",
      "def squares(n):",
      "    return (i * i for i in range(n))",
      "def make(a, b):",
      "    return Pair(a, b)",
    ].join("\n");
    const tests = [
      "assert longest([Pair(1, 5), Pair(2, 3)]) == 4",
      "assert list(squares(4)) == [0, 1, 4, 9]",
      "p = make(1, 2)",
      "assert p.a == 1 and p.b == 2 and len(p) == 2",
      "p.a = 7",
      "assert p.a == 7",
      "assert make(1, 2) == Pair(1, 2) and make(1, 2) != Pair(2, 1)",
      "assert 4 in squares(3) and 5 not in squares(3)",
    ];
    expect(await judged(code, tests)).toMatchObject({ status: "satisfied" });
  });

  it("raises the solution's exceptions as their builtin classes in the tests", async () => {
    const code = "def div(a, b):\n    if b == 0:\n        raise ValueError('b is zero')\n    return a // b";
    const tests = "try:\n    div(1, 0)\n    raise AssertionError('no error')\nexcept ValueError as e:\n    assert str(e) == 'b is zero'\nimport unittest\nwith unittest.TestCase().assertRaises(ValueError):\n    div(2, 0)\nassert div(7, 2) == 3";
    expect(await judged(code, tests)).toMatchObject({ status: "satisfied" });
    // An assert inside the solution is the solution's error, not a failed test.
    expect(await judged("def f(x):\n    assert x > 0\n    return x", ["assert f(-1) == -1"])).toMatchObject({ status: "violated", reason: "runtime_error" });
  });

  it("writes in-place changes of list, dict and set arguments back to the tests' values", async () => {
    const code = "def fill(xs, d, s):\n    xs.sort()\n    d['k'] = 1\n    s.add(3)";
    const tests = "xs, d, s = [3, 1, 2], {}, set()\nfill(xs, d, s)\nassert xs == [1, 2, 3] and d == {'k': 1} and s == {3}";
    expect(await judged(code, tests)).toMatchObject({ status: "satisfied" });
  });

  it("answers the straight-line asserts ahead and falls back to asking when the tests leave them", async () => {
    // A counter shows how often the solution was called: the calls made ahead are the tests' own.
    const code = "CALLS = []\ndef add(a, b):\n    CALLS.append((a, b))\n    return a + b\ndef calls():\n    return list(CALLS)";
    const tests = "import math\nassert add(1, 2) == 3\nassert add(b=2, a=5) == 7\nfor i in range(2):\n    assert add(i, i) == 2 * i\nassert add(9, 9) == 18\nassert calls() == [(1, 2), (5, 2), (0, 0), (1, 1), (9, 9)]";
    expect(await judged(code, tests)).toMatchObject({ status: "satisfied" });
    // A name that is not a function of the solution stops the calls made ahead; calling it is
    // the tests' TypeError, as in one process.
    const partial = "add = 3\ndef sub(a, b):\n    return a - b";
    expect(await judged(partial, ["assert sub(3, 1) == 2", "assert add(1, 2) == 3", "assert sub(5, 1) == 4"])).toMatchObject({ status: "violated", reason: "runtime_error" });
    // HumanEval: the body of check, with candidate as the entry point.
    const check = "def check(candidate):\n    assert candidate(2) == 4\n    assert not candidate(0)\n    assert candidate(x=3) == 6\n";
    expect(await judged("def double(x):\n    return 2 * x", check, { entry_point: "double" })).toMatchObject({ status: "satisfied" });
    expect(await judged("def double(x):\n    return x + 2", check, { entry_point: "double" })).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("stops at the first failing APPS case even though later cases were run ahead", async () => {
    const code = "import sys\nn = int(input())\nif n == 2:\n    while True:\n        pass\nprint(n * 2)";
    const verdict = await judged(code, { inputs: ["1\n", "5\n", "2\n"], outputs: ["2\n", "11\n", "4\n"] });
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    expect(verdict.detail).toContain("case 1");
  });

  it("keeps Python's builtins for the tests even when the solution shadows them", async () => {
    const code = "def sorted(xs):\n    return [1, 2, 3]\ndef f(xs):\n    return xs";
    expect(await judged(code, ["assert sorted(f([3, 2])) == [2, 3]"])).toMatchObject({ status: "satisfied" });
    expect(await judged(code, ["assert sorted(f([3, 2, 9])) == [1, 2, 3]"])).toMatchObject({ status: "violated", reason: "tests_failed" });
  });
});
