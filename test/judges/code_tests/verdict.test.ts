import { describe, expect, it } from "vitest";
import { judgementFor, readReport, type VerdictContext } from "../../../runtime/judges/code_tests/verdict.js";
import type { SandboxResult } from "../../../runtime/sandbox/index.js";

const nonce = "f00dfeedf00dfeedf00dfeedf00dfeed";
const ctx: VerdictContext = { nonce, wholeResponse: false, timeoutS: 10, cancelled: false };

function result(overrides: Partial<SandboxResult> = {}): SandboxResult {
  return { status: "ok", exitCode: 0, signal: null, stdout: "", stderr: "", report: "", wallMs: 5, truncated: false, ...overrides };
}

const line = (obj: Record<string, unknown>): string => JSON.stringify({ ...obj, nonce }) + "\n";

describe("readReport", () => {
  it("believes only lines carrying this run's nonce, and takes the last", () => {
    const channel = JSON.stringify({ outcome: "passed", nonce: "guess" }) + "\nnot json\n" + line({ outcome: "assertion_failed" }) + line({ outcome: "passed" });
    expect(readReport(channel, nonce)).toMatchObject({ outcome: "passed" });
    expect(readReport(JSON.stringify({ outcome: "passed", nonce: "guess" }), nonce)).toBeNull();
  });
});

describe("judgementFor", () => {
  it("passes only with the nonce-bearing report and a clean exit", () => {
    expect(judgementFor(result({ report: line({ outcome: "passed" }) }), ctx)).toEqual({ status: "satisfied", reason: "tests_passed" });
    expect(judgementFor(result({ report: line({ outcome: "passed" }), exitCode: 1 }), ctx).status).toBe("violated");
    expect(judgementFor(result({ report: JSON.stringify({ outcome: "passed", nonce: "x" }) }), ctx)).toMatchObject({ status: "violated", reason: "exited_early" });
  });

  it("maps harness outcomes to reasons", () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ outcome: "assertion_failed", where: "tests.py:2: assert f(1) == 2", values: "left: 3; right: 2" }, "violated", "tests_failed"],
      [{ outcome: "wrong_output", case: 1, expected: "3", got: "4" }, "violated", "tests_failed"],
      [{ outcome: "syntax_error", message: "invalid syntax" }, "violated", "syntax_error"],
      [{ outcome: "exception", type: "ZeroDivisionError", message: "division by zero", phase: "tests" }, "violated", "runtime_error"],
      [{ outcome: "exception", type: "MemoryError", message: "" }, "violated", "memory_limit"],
      [{ outcome: "exception", type: "OSError", message: "[Errno 12] Cannot allocate memory" }, "violated", "memory_limit"],
      [{ outcome: "missing_entry_point", message: "the solution does not define f" }, "violated", "missing_entry_point"],
      [{ outcome: "exited_early", message: "SystemExit(0)" }, "violated", "exited_early"],
      [{ outcome: "invalid_tests", message: "bad" }, "error", "invalid_tests"],
      [{ outcome: "harness_error", message: "cannot make the judge process non-dumpable" }, "error", "sandbox_error"],
    ];
    for (const [report, status, reason] of cases) {
      expect(judgementFor(result({ report: line(report), exitCode: 1 }), ctx), JSON.stringify(report)).toMatchObject({ status, reason });
    }
  });

  it("gives a failing assertion's location and values as detail", () => {
    const j = judgementFor(result({ exitCode: 1, report: line({ outcome: "assertion_failed", where: "tests.py:2: assert f(1) == 2", message: "", values: "left: 3; right: 2" }) }), ctx);
    expect(j.detail).toBe("tests.py:2: assert f(1) == 2 — AssertionError — left: 3; right: 2");
  });

  it("calls a syntax error in an unfenced response no_code_found", () => {
    expect(judgementFor(result({ exitCode: 1, report: line({ outcome: "syntax_error" }) }), { ...ctx, wholeResponse: true }).reason).toBe("no_code_found");
  });

  it("falls back on how the run ended when there is no report", () => {
    expect(judgementFor(result({ status: "timeout", exitCode: null }), ctx)).toMatchObject({ status: "violated", reason: "timeout" });
    expect(judgementFor(result({ status: "memory_limit", exitCode: 1, stderr: "MemoryError\n" }), ctx)).toMatchObject({ status: "violated", reason: "memory_limit" });
    expect(judgementFor(result({ status: "output_limit", exitCode: null }), ctx)).toMatchObject({ status: "violated", reason: "output_limit" });
    expect(judgementFor(result({ status: "killed", exitCode: 139, signal: "SIGSEGV", error: "terminated by SIGSEGV" }), ctx)).toMatchObject({ status: "violated", reason: "runtime_error" });
    expect(judgementFor(result({ exitCode: 0 }), ctx)).toMatchObject({ status: "violated", reason: "exited_early" });
    expect(judgementFor(result({ exitCode: 2, stderr: "Traceback...\nValueError: x\n" }), ctx)).toMatchObject({ status: "violated", reason: "runtime_error", detail: "exit code 2 — ValueError: x" });
  });

  it("is an error only when the response is not to blame", () => {
    expect(judgementFor(result({ status: "sandbox_unavailable", error: "no bwrap" }), ctx)).toMatchObject({ status: "error", reason: "sandbox_unavailable" });
    expect(judgementFor(result({ status: "sandbox_error", error: "mount failed" }), ctx)).toMatchObject({ status: "error", reason: "sandbox_error" });
    expect(judgementFor(result({ status: "killed", error: "cancelled" }), { ...ctx, cancelled: true })).toMatchObject({ status: "error", reason: "cancelled" });
  });

  it("does not trust a report from a run we killed", () => {
    expect(judgementFor(result({ status: "timeout", exitCode: null, report: line({ outcome: "passed" }) }), ctx).reason).toBe("timeout");
  });

  it("keeps details short and free of object addresses", () => {
    const j = judgementFor(result({ exitCode: 1, report: line({ outcome: "exception", type: "E", message: "<A object at 0x7f00aa> " + "x".repeat(2000) }) }), ctx);
    expect(j.detail?.length).toBeLessThanOrEqual(503);
    expect(j.detail).not.toMatch(/0x7f/);
  });
});
