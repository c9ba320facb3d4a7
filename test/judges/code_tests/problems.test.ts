/**
 * Small problems written in the style of HumanEval (check(candidate) + entry_point), MBPP
 * (a list of asserts) and APPS (stdin/stdout and call-based cases): canonical solutions pass,
 * broken ones fail with the right reason. Real sandbox, real judge.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../../runtime/judges/code_tests/index.js";
import type { Judgement } from "../../../runtime/judges/types.js";
import { SandboxPool } from "../../../runtime/sandbox/index.js";
import { requireSandbox, SKIP_SANDBOX } from "../../sandbox/helpers.js";

const pool = new SandboxPool({ concurrency: 2 });
const judge = createCodeTestsJudge("unit_tests", { timeout: 20 }, { pool });
const quick = createCodeTestsJudge("unit_tests_quick", { timeout: 2 }, { pool });

const fence = (code: string): string => "Here is my solution:\n\n```python\n" + code + "\n```\n";

const HUMANEVAL_TEST = `METADATA = {"author": "align", "dataset": "test"}


def check(candidate):
    assert candidate([1, 2, 4, 10], 100) is True
    assert candidate([1, 20, 4, 10], 5) is False
    assert candidate([], 1) is True
    assert candidate([5, 5], 5) is False
`;
const humaneval = { tests: HUMANEVAL_TEST, entry_point: "below_threshold" };

const RUNNING_MAX_TEST = `def check(candidate):
    assert candidate([]) == []
    assert candidate([1, 2, 3, 4]) == [1, 2, 3, 4]
    assert candidate([4, 3, 2, 1]) == [4, 4, 4, 4]
    assert candidate([3, 2, 3, 100, 3]) == [3, 3, 3, 100, 100]
`;

const MBPP_TESTS = ["assert second_largest([1, 2, 3, 4]) == 3", "assert second_largest([10, 10, 9]) == 9", "assert second_largest([-1, -5, -3]) == -3"];

async function run(j: typeof judge, response: string, fields: Record<string, unknown>): Promise<Judgement> {
  return j.evaluate({ prompt: "", response, fields }, {});
}

describe.skipIf(SKIP_SANDBOX)("code_tests on HumanEval-style problems", () => {
  beforeAll(requireSandbox);

  it("passes the canonical solution", async () => {
    const code = "def below_threshold(l: list, t: int) -> bool:\n    for e in l:\n        if e >= t:\n            return False\n    return True";
    expect(await run(judge, fence(code), humaneval)).toEqual({ status: "satisfied", reason: "tests_passed" });
  });

  it("passes a solution followed by an example-usage block", async () => {
    const response = fence("def running_max(numbers):\n    out, best = [], None\n    for n in numbers:\n        best = n if best is None else max(best, n)\n        out.append(best)\n    return out") + "\nExample:\n```python\nprint(running_max([1, 3, 2]))\n```";
    expect(await run(judge, response, { tests: RUNNING_MAX_TEST, entry_point: "running_max" })).toMatchObject({ status: "satisfied" });
  });

  it("fails a wrong answer with the failing assertion", async () => {
    const code = "def below_threshold(l, t):\n    return all(e <= t for e in l)";
    const verdict = await run(judge, fence(code), humaneval);
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    expect(verdict.detail).toContain("assert candidate([5, 5], 5) is False");
  });

  it("fails an exception as runtime_error, naming it", async () => {
    const verdict = await run(judge, fence("def below_threshold(l, t):\n    return max(l) < t"), humaneval);
    expect(verdict).toMatchObject({ status: "violated", reason: "runtime_error" });
    expect(verdict.detail).toContain("ValueError: max() arg is an empty sequence");
  });

  it("fails a syntax error as syntax_error", async () => {
    const verdict = await run(judge, fence("def below_threshold(l, t)\n    return True"), humaneval);
    expect(verdict).toMatchObject({ status: "violated", reason: "syntax_error" });
    expect(verdict.detail).toContain("solution.py:1");
  });

  it("fails an infinite loop as timeout", async () => {
    const verdict = await run(quick, fence("def below_threshold(l, t):\n    while True:\n        pass"), humaneval);
    expect(verdict).toMatchObject({ status: "violated", reason: "timeout" });
  });

  it("fails a solution that does not define the entry point", async () => {
    expect(await run(judge, fence("def below(l, t):\n    return True"), humaneval)).toMatchObject({ status: "violated", reason: "missing_entry_point" });
  });

  it("fails a response without code", async () => {
    expect(await run(judge, "I think the answer is to loop over the list.", humaneval)).toMatchObject({ status: "violated", reason: "no_code_found" });
    expect(await run(judge, "```bash\necho hi\n```", humaneval)).toMatchObject({ status: "violated", reason: "no_code_found" });
  });

  it("accepts an unfenced response that is valid Python", async () => {
    expect(await run(judge, "def below_threshold(l, t):\n    return all(e < t for e in l)\n", humaneval)).toMatchObject({ status: "satisfied" });
  });

  it("reads the entry point from the configured field", async () => {
    const j = createCodeTestsJudge("named", { timeout: 20, tests: { field: "test" }, entry_point: { field: "fn" } }, { pool });
    const verdict = await run(j, fence("def below_threshold(l, t):\n    return all(e < t for e in l)"), { test: HUMANEVAL_TEST, fn: "below_threshold" });
    expect(verdict).toMatchObject({ status: "satisfied" });
  });
});

describe.skipIf(SKIP_SANDBOX)("code_tests on MBPP-style problems", () => {
  beforeAll(requireSandbox);

  it("passes the canonical solution", async () => {
    const code = "def second_largest(nums):\n    return sorted(set(nums))[-2]";
    expect(await run(judge, fence(code), { tests: MBPP_TESTS })).toMatchObject({ status: "satisfied", reason: "tests_passed" });
  });

  it("passes with the MBPP row shape (imports and setup)", async () => {
    const tests = { test_list: ["assert circle_area(1) == math.pi"], test_imports: ["import math"], test_setup_code: "" };
    expect(await run(judge, fence("import math\ndef circle_area(r):\n    return math.pi * r * r"), { tests })).toMatchObject({ status: "satisfied" });
  });

  it("fails a wrong answer and shows both sides", async () => {
    const verdict = await run(judge, fence("def second_largest(nums):\n    return sorted(nums)[-2]"), { tests: MBPP_TESTS });
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    expect(verdict.detail).toContain("assert second_largest([10, 10, 9]) == 9");
    expect(verdict.detail).toContain("left: 10; right: 9");
  });

  it("fails an exception, a syntax error and an infinite loop with their reasons", async () => {
    expect(await run(judge, fence("def second_largest(nums):\n    raise ValueError('nope')"), { tests: MBPP_TESTS })).toMatchObject({ reason: "runtime_error" });
    expect(await run(judge, fence("def second_largest(nums):\nreturn 1"), { tests: MBPP_TESTS })).toMatchObject({ reason: "syntax_error" });
    expect(await run(quick, fence("def second_largest(nums):\n    n = 0\n    while nums:\n        n += 1"), { tests: MBPP_TESTS })).toMatchObject({ reason: "timeout" });
  });
});

describe.skipIf(SKIP_SANDBOX)("code_tests on APPS-style problems", () => {
  beforeAll(requireSandbox);

  const stdio = JSON.stringify({ inputs: ["3\n1 5 2\n", "1\n-7\n"], outputs: ["8 5\n", "-7 -7\n"] });

  it("passes stdin/stdout solutions written in the usual idioms", async () => {
    const idioms = [
      "n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs), max(xs))",
      "import sys\ndata = sys.stdin.buffer.read().split()\nxs = list(map(int, data[1:]))\nsys.stdout.write('%d %d\\n' % (sum(xs), max(xs)))",
      "def main():\n    n = int(input())\n    xs = [int(x) for x in input().split()]\n    print(sum(xs), max(xs))\n\nif __name__ == '__main__':\n    main()",
      "import sys\nxs = list(map(int, open(0).read().split()))[1:]\nprint(sum(xs), max(xs))\nsys.exit(0)",
    ];
    for (const code of idioms) expect(await run(judge, fence(code), { tests: stdio }), code).toMatchObject({ status: "satisfied" });
  });

  it("fails wrong output with the case, expected and got", async () => {
    const verdict = await run(judge, fence("n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs), min(xs))"), { tests: stdio });
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    expect(verdict.detail).toContain("case 0");
  });

  it("passes and fails call-based cases", async () => {
    const tests = { inputs: [[[2, 7, 11, 15], 9], [[3, 2, 4], 6]], outputs: [[[0, 1]], [[1, 2]]], fn_name: "twoSum" };
    const good = "class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n        for i, n in enumerate(nums):\n            if target - n in seen:\n                return (seen[target - n], i)\n            seen[n] = i";
    expect(await run(judge, fence(good), { tests })).toMatchObject({ status: "satisfied" });
    expect(await run(judge, fence("def twoSum(nums, target):\n    return [0, 0]"), { tests })).toMatchObject({ status: "violated", reason: "tests_failed" });
  });
});

describe("code_tests without a usable test suite", () => {
  it("is an error (not the response's fault) when the tests are missing or vacuous", async () => {
    expect(await run(judge, fence("x = 1"), {})).toMatchObject({ status: "error", reason: "invalid_tests" });
    expect(await run(judge, fence("x = 1"), { tests: "print('no asserts')" })).toMatchObject({ status: "error", reason: "invalid_tests" });
  });
});

describe.skipIf(SKIP_SANDBOX)("code_tests cancellation", () => {
  beforeAll(requireSandbox);

  it("answers error/cancelled when the batch is cancelled mid-run", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const verdict = await judge.evaluate({ prompt: "", response: fence("import time\ntime.sleep(60)"), fields: { tests: ["assert True"] } }, { signal: controller.signal });
    expect(verdict).toMatchObject({ status: "error", reason: "cancelled" });
  });
});
