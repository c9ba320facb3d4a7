import { describe, expect, it } from "vitest";
import { normalizeTests } from "../../../runtime/judges/code_tests/tests_spec.js";

describe("normalizeTests", () => {
  it("takes a string of assert lines", () => {
    expect(normalizeTests("assert f(1) == 2\nassert f(2) == 3")).toEqual({ ok: true, spec: { kind: "asserts", source: "assert f(1) == 2\nassert f(2) == 3" } });
  });

  it("joins an MBPP-style list of asserts", () => {
    expect(normalizeTests(["assert f(1) == 2", "assert f(2) == 3"])).toEqual({ ok: true, spec: { kind: "asserts", source: "assert f(1) == 2\nassert f(2) == 3" } });
  });

  it("takes an MBPP row with imports and setup code", () => {
    const r = normalizeTests({ test_list: ["assert f(1) == 2"], test_setup_code: "x = 1", test_imports: ["import math"] });
    expect(r).toEqual({ ok: true, spec: { kind: "asserts", source: "import math\nx = 1\nassert f(1) == 2" } });
  });

  it("takes HumanEval check(candidate) with the entry point from the sample or from the row", () => {
    const test = "METADATA = {}\n\ndef check(candidate):\n    assert candidate(1) == 2\n";
    expect(normalizeTests(test, "inc")).toEqual({ ok: true, spec: { kind: "check", source: test, entryPoint: "inc" } });
    expect(normalizeTests({ test, entry_point: "inc" })).toEqual({ ok: true, spec: { kind: "check", source: test, entryPoint: "inc" } });
  });

  it("treats a suite that calls check itself as plain asserts", () => {
    const r = normalizeTests("def check(c):\n    assert c(1) == 2\n\ncheck(inc)\n");
    expect(r.ok && r.spec.kind).toBe("asserts");
  });

  it("takes APPS stdin/stdout cases, also as a JSON string", () => {
    const io = { inputs: ["1 2\n", "3 4\n"], outputs: ["3\n", ["7"]] };
    const expected = { ok: true, spec: { kind: "stdio", cases: [{ input: "1 2\n", output: "3\n" }, { input: "3 4\n", output: "7" }] } };
    expect(normalizeTests(io)).toEqual(expected);
    expect(normalizeTests(JSON.stringify(io))).toEqual(expected);
  });

  it("takes APPS call-based cases", () => {
    expect(normalizeTests({ inputs: [[1, 2]], outputs: [[3]], fn_name: "add" })).toEqual({ ok: true, spec: { kind: "call", fnName: "add", cases: [{ args: [1, 2], output: [3] }] } });
  });

  it("rejects suites that would pass without testing anything", () => {
    for (const bad of ["", "   ", "print('no asserts')", [], { inputs: [], outputs: [] }, "def check(candidate):\n    assert candidate(1)\n"]) {
      expect(normalizeTests(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it("rejects malformed values with a reason", () => {
    expect(normalizeTests(undefined)).toEqual({ ok: false, error: "the sample has no tests field" });
    expect(normalizeTests(42).ok).toBe(false);
    expect(normalizeTests({ foo: 1 }).ok).toBe(false);
    expect(normalizeTests({ inputs: ["1"], outputs: [] }).ok).toBe(false);
    expect(normalizeTests({ inputs: [1], outputs: ["1"] }).ok).toBe(false);
    expect(normalizeTests("assert f()", "not a name").ok).toBe(false);
    expect(normalizeTests({ inputs: [[1]], outputs: [1], fn_name: "x; import os" }).ok).toBe(false);
  });
});
