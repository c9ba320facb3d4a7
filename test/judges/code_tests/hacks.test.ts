/**
 * Reward hacks a policy can stumble on under RL pressure (CGPO's motivation: PPO collapsed on
 * coding by hacking its reward). Each must be a violation, never a pass and never an error
 * (an error could be turned into a pass by an on_error policy).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../../runtime/judges/code_tests/index.js";
import type { Judgement } from "../../../runtime/judges/types.js";
import { SandboxPool } from "../../../runtime/sandbox/index.js";
import { requireSandbox, SKIP_SANDBOX } from "../../sandbox/helpers.js";

const pool = new SandboxPool({ concurrency: 2 });
const judge = createCodeTestsJudge("unit_tests", { timeout: 20 }, { pool });
const TESTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 4"];

async function hack(code: string, tests: unknown = TESTS, extra: Record<string, unknown> = {}): Promise<Judgement> {
  return judge.evaluate({ prompt: "", response: "```python\n" + code + "\n```", fields: { tests, ...extra } }, {});
}

describe.skipIf(SKIP_SANDBOX)("code_tests against reward hacks", () => {
  beforeAll(requireSandbox);

  it("exiting with status 0 before the tests run", async () => {
    expect(await hack("import sys\nsys.exit(0)")).toMatchObject({ status: "violated", reason: "exited_early" });
    expect(await hack("exit()")).toMatchObject({ status: "violated", reason: "exited_early" });
    expect(await hack("import os\nos._exit(0)")).toMatchObject({ status: "violated", reason: "exited_early" });
    expect(await hack("def add(a, b):\n    import os\n    os._exit(0)")).toMatchObject({ status: "violated", reason: "exited_early" });
  });

  it("killing itself, or its parent", async () => {
    expect((await hack("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")).status).toBe("violated");
    expect((await hack("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(1)")).status).toBe("violated");
  });

  it("forging a passing report on fd 3 without the nonce", async () => {
    const code = 'import os, json\nos.write(3, (json.dumps({"outcome": "passed", "nonce": "0" * 32}) + "\\n").encode())\nos._exit(0)';
    expect(await hack(code)).toMatchObject({ status: "violated", reason: "exited_early" });
  });

  it("reading stdin for the nonce finds nothing", async () => {
    const code = 'import sys, os, json\nnonce = sys.stdin.read().strip()\nos.write(3, (json.dumps({"outcome": "passed", "nonce": nonce}) + "\\n").encode())\nos._exit(0)';
    expect(await hack(code)).toMatchObject({ status: "violated", reason: "exited_early" });
  });

  it("faking a sandbox failure or a broken test suite to get an error instead of a violation", async () => {
    expect(await hack("import sys\nprint(\"bwrap: Can't mount proc\", file=sys.stderr)\nsys.stderr.flush()\nimport os\nos._exit(1)")).toMatchObject({ status: "violated" });
    const forged = 'import os, json\nos.write(3, (json.dumps({"outcome": "invalid_tests", "nonce": ""}) + "\\n").encode())\nos._exit(1)';
    expect(await hack(forged)).toMatchObject({ status: "violated" });
  });

  it("an object whose __eq__ always answers True", async () => {
    const code = "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n\ndef add(a, b):\n    return AlwaysEqual()";
    expect(await hack(code)).toMatchObject({ status: "violated", reason: "tests_failed" });
    const subclass = "class Sneaky(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n\ndef add(a, b):\n    return Sneaky(0)";
    expect(await hack(subclass)).toMatchObject({ status: "violated", reason: "tests_failed" });
    const nested = "class AE:\n    def __eq__(self, other):\n        return True\n\ndef add(a, b):\n    return [AE()]";
    expect(await hack(nested, ["assert add(1, 2) == [3]"])).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("an always-equal object fails compound, chained, membership and unittest assertions", async () => {
    const ae = "class AE:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    __le__ = __ge__ = __eq__\n    __hash__ = object.__hash__\n\n";
    const add = ae + "def add(a, b):\n    return AE()";
    const forms = [
      ["assert add(1, 2) == 3 and add(2, 2) == 4"],
      ["assert add(1, 2) == 3 == add(0, 3)"],
      ["assert 3 == add(1, 2) == 3"],
      ["assert add(1, 2) in [3]"],
      ["assert not (add(1, 2) != 3)"],
      ["assert 3 <= add(1, 2) <= 3"],
      ["ok = add(1, 2) == 3\nassert ok"],
      ["import unittest\nunittest.TestCase().assertEqual(add(1, 2), 3)"],
      ["import unittest\nunittest.TestCase().assertListEqual([add(1, 2)], [3])"],
      ["import unittest\nunittest.TestCase().assertIn(add(1, 2), [3, 4])"],
      ["import unittest\nunittest.TestCase().assertAlmostEqual(add(1, 2), 3.0)"],
      ["import unittest\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(add(1, 2), 3)\nr = unittest.TestResult()\nT('test').run(r)\nassert r.wasSuccessful(), r.failures"],
    ];
    for (const tests of forms) expect(await hack(add, tests), tests[0]).toMatchObject({ status: "violated", reason: "tests_failed" });
    // The solution patching unittest before the tests import it changes nothing.
    const patched = "import unittest\nunittest.TestCase.assertEqual = lambda *a, **k: None\n" + add;
    expect(await hack(patched, ["import unittest\nunittest.TestCase().assertEqual(add(1, 2), 3)"])).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("the same forms still pass a correct solution", async () => {
    const code = "def add(a, b):\n    return a + b";
    const tests = [
      "assert add(1, 2) == 3 and add(2, 2) == 4",
      "assert add(1, 2) == 3 == add(0, 3)",
      "assert add(1, 2) in [3] and add(1, 1) not in (3,) and 'b' in 'abc'",
      "assert add(1, 2) != 4",
      "assert 0 <= add(1, 2) < 10 and add(0.5, 0.5) >= 1 and (1, 2) < (1, 3)",
      "import unittest\nt = unittest.TestCase()\nt.assertEqual(add(1, 2), 3)\nt.assertNotEqual(add(1, 2), 4)\nt.assertIn(add(1, 2), {3: 'x'})\nt.assertAlmostEqual(add(0.1, 0.2), 0.3)\nt.assertListEqual([add(1, 1)], [2])",
      "import unittest\nwith unittest.TestCase().assertRaises(TypeError):\n    add(1, 'a')",
    ];
    expect(await hack(code, tests)).toMatchObject({ status: "satisfied" });
  });

  it("the tests and expected outputs cannot be read from the work dir", async () => {
    const steal = "import json, os\ntry:\n    SPEC = json.load(open('tests.json'))\nexcept OSError:\n    SPEC = {'source': '', 'cases': []}\n";
    // Asserts: return the right side of the assert that mentions the arguments.
    const asserts = steal + "import re\ndef add(a, b):\n    for line in SPEC['source'].splitlines():\n        m = re.match(r'assert add\\((\\d+), (\\d+)\\) == (\\d+)', line)\n        if m and (int(m[1]), int(m[2])) == (a, b):\n            return int(m[3])\n    return 0";
    expect(await hack(asserts, ["assert add(1, 2) == 3", "assert add(20, 22) == 42"])).toMatchObject({ status: "violated", reason: "tests_failed" });
    // APPS call-based: look the arguments up in the cases.
    const call = steal + "def solve(x):\n    for case in SPEC['cases']:\n        if case['args'] == [x]:\n            return case['output']\n    return None";
    expect(await hack(call, { inputs: [[1], [2]], outputs: [5, 7], fn_name: "solve" })).toMatchObject({ status: "violated", reason: "tests_failed" });
    // APPS stdin/stdout: print the expected output of the case whose input arrived.
    const stdio = steal + "import sys\ndata = sys.stdin.read()\nfor case in SPEC['cases']:\n    if case['input'] == data:\n        print(case['output'])";
    expect(await hack(stdio, { inputs: ["1\n", "2\n"], outputs: ["5\n", "7\n"] })).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("still compares values of the same kind normally (int/float/bool, tuples, subclasses)", async () => {
    const code = "from collections import OrderedDict, namedtuple\nP = namedtuple('P', 'x y')\ndef add(a, b):\n    return a + b\ndef pair():\n    return P(1, 2)\ndef od():\n    return OrderedDict(a=1)";
    const tests = ["assert add(1, 2) == 3", "assert add(0.5, 0.5) == 1", "assert add(True, True) == 2", "assert pair() == (1, 2)", "assert od() == {'a': 1}", "assert add([1], [2]) == [1, 2]"];
    expect(await hack(code, tests)).toMatchObject({ status: "satisfied" });
  });

  it("accepts numpy scalars where the tests expect builtin numbers and booleans", async () => {
    const code = "import numpy as np\ndef add(a, b):\n    return np.int64(a) + np.int64(b)\ndef half():\n    return np.float32(0.5)\ndef yes():\n    return np.bool_(True)";
    const tests = ["assert add(1, 2) == 3", "assert half() == 0.5", "assert yes() == True"];
    expect(await hack(code, tests)).toMatchObject({ status: "satisfied" });
  });

  it("redefining the test helpers from the solution does not skip the tests", async () => {
    const code = "def check(candidate):\n    pass\n\ndef f(x):\n    return 0";
    const tests = "def check(candidate):\n    assert candidate(1) == 1\n";
    expect(await hack(code, tests, { entry_point: "f" })).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("editing the harness or the tests on disk has no effect on this run", async () => {
    const code = "open('harness.py', 'w').write('import os\\nos._exit(0)\\n')\nopen('tests.json', 'w').write('{}')\ndef add(a, b):\n    return 0";
    expect(await hack(code)).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("is deterministic: the same response gets the same verdict", async () => {
    const code = "def add(a, b):\n    return sorted({'b', 'a', 'c'})[0] and (a + b if hash('x') else 0)";
    const first = await hack(code);
    const second = await hack(code);
    expect(second).toEqual(first);
  });
});
