/**
 * The code_tests judge with sandboxes started ahead (deps.warm): the same verdicts as fresh
 * sandboxes, for passes, failures and attacks on the harness, because the job reaches a waiting
 * harness exactly as it reaches a fresh one (stdin, after the fork and the seal).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../../runtime/judges/code_tests/index.js";
import { SandboxPool } from "../../../runtime/sandbox/index.js";
import { describeProcesses, processesWith, requireSandbox, SKIP_SANDBOX, waitFor } from "../../sandbox/helpers.js";

const ASSERTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 4"];
const SAMPLES: Array<[string, unknown]> = [
  ["def add(a, b):\n    return a + b", ASSERTS],
  ["def add(a, b):\n    return 3", ASSERTS],
  ["def add(a, b)\n    return a + b", ASSERTS],
  ["import sys\nsys.exit(0)", ASSERTS],
  // The tests are not a file, the nonce is not on stdin, and the judge process is sealed.
  ["import os\nleak = [open(p).read() for p in os.listdir('.') if p.endswith('.json')]\nimport sys\nsecret = sys.stdin.read()\ndef add(a, b):\n    return len(leak) + len(secret) + a + b", ASSERTS],
  ["def add(a, b):\n    try:\n        open('/proc/1/mem', 'rb')\n        return a + b\n    except OSError:\n        return -1", ASSERTS],
  ["print(sum(map(int, input().split())))", { inputs: ["1 2\n", "5 5\n"], outputs: ["3", "10"] }],
  ["def twice(x):\n    return 2 * x", { inputs: [[1], [4]], outputs: [2, 8], fn_name: "twice" }],
];

describe.skipIf(SKIP_SANDBOX)("code_tests with sandboxes started ahead", () => {
  const pool = new SandboxPool({ concurrency: 1 });
  const cold = createCodeTestsJudge("unit_tests", { timeout: 20 }, { pool });
  const warm = createCodeTestsJudge("unit_tests", { timeout: 20 }, { pool, warm: { size: 1 } });
  beforeAll(requireSandbox);
  afterAll(() => warm.close());

  it("gives every verdict a fresh sandbox gives", async () => {
    for (const [code, tests] of SAMPLES) {
      const sample = { prompt: "", response: "```python\n" + code + "\n```", fields: { tests } };
      const expected = await cold.evaluate(sample, {});
      expect(await warm.evaluate(sample, {}), code).toEqual(expected);
    }
  });

  it("close leaves no sandbox of the judge on the host", async () => {
    // A directory of its own bound into its sandboxes marks this judge's bwrap processes.
    const mark = mkdtempSync(join(tmpdir(), "align-warm-judge-"));
    chmodSync(mark, 0o755);
    const judge = createCodeTestsJudge("unit_tests", { timeout: 20 }, { host: { readOnlyPaths: [mark] }, warm: { size: 2 } });
    try {
      const sample = { prompt: "", response: "```python\ndef add(a, b):\n    return a + b\n```", fields: { tests: ASSERTS } };
      expect(await judge.evaluate(sample, {})).toMatchObject({ status: "satisfied" });
      expect(await waitFor(() => processesWith(mark).length === 2, 10_000), describeProcesses(processesWith(mark))).toBe(true);
      await judge.close();
      expect(processesWith(mark), describeProcesses(processesWith(mark))).toEqual([]);
    } finally {
      rmSync(mark, { recursive: true, force: true });
    }
  });
});
