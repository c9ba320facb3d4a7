/**
 * From a sandbox result and the harness's report to a verdict, as a pure function.
 *
 * Only reports carrying this run's nonce are believed. A pass needs such a report *and* a
 * clean exit; every other way of ending is a violation with the most specific reason we can
 * prove, and only failures that are not the response's fault (no sandbox, a broken test
 * suite, cancellation) are errors. Verdict reasons: docs/judges/code_tests.md.
 */
import type { SandboxResult } from "../../sandbox/index.js";
import { judgeError, satisfied, violated, type Judgement } from "../types.js";

export interface HarnessReport {
  readonly outcome: string;
  readonly [key: string]: unknown;
}

export interface VerdictContext {
  readonly nonce: string;
  /** The code was the whole response (no fence), so not compiling means "no code". */
  readonly wholeResponse: boolean;
  readonly timeoutS: number;
  readonly cancelled: boolean;
}

const DETAIL_LIMIT = 500;

function clip(text: string): string {
  // Object addresses differ between runs; the same response must get the same verdict text.
  const flat = text.trim().replace(/ at 0x[0-9a-f]+>/g, ">");
  return flat.length <= DETAIL_LIMIT ? flat : `${flat.slice(0, DETAIL_LIMIT)}...`;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
}

/** The harness's report for this run: the last line of the channel that carries the nonce. */
export function readReport(channel: string, nonce: string): HarnessReport | null {
  let found: HarnessReport | null = null;
  for (const line of channel.split("\n")) {
    if (!line.includes(nonce)) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && (value as Record<string, unknown>).nonce === nonce && typeof (value as Record<string, unknown>).outcome === "string") {
        found = value as HarnessReport;
      }
    } catch {
      // Not ours: the program may write anything to fd 3.
    }
  }
  return found;
}

function joinDetail(...parts: string[]): string {
  return clip(parts.filter((p) => p !== "").join(" — "));
}

function fromReport(report: HarnessReport, result: SandboxResult, ctx: VerdictContext): Judgement {
  const where = str(report.where);
  const message = str(report.message);
  switch (report.outcome) {
    case "passed":
      return result.status === "ok" && result.exitCode === 0 ? satisfied("tests_passed") : violated("runtime_error", `the harness passed but the run ended with ${result.status}`);
    case "invalid_tests":
      return judgeError("invalid_tests", joinDetail("the tests do not compile", where, message));
    case "syntax_error":
      return ctx.wholeResponse
        ? violated("no_code_found", joinDetail("no fenced code block, and the response is not valid Python", where, message))
        : violated("syntax_error", joinDetail(where, message));
    case "assertion_failed":
      return violated("tests_failed", joinDetail(where, message !== "" ? `AssertionError: ${message}` : "AssertionError", str(report.values)));
    case "wrong_output":
      return violated("tests_failed", joinDetail(`case ${str(report.case)}: expected ${JSON.stringify(str(report.expected))}, got ${JSON.stringify(str(report.got))}`));
    case "harness_error":
      // Only the judge process holds the nonce, so this cannot be forged by the solution.
      return judgeError("sandbox_error", clip(message));
    case "missing_entry_point":
      return violated("missing_entry_point", clip(message));
    case "exited_early":
      return violated("exited_early", clip(message));
    case "exception":
      // MemoryError, or ENOMEM from mmap and friends: both are the address-space limit.
      if (report.type === "MemoryError" || message.startsWith("[Errno 12]")) return violated("memory_limit", joinDetail(`${str(report.type)}: ${message}`, where));
      return violated("runtime_error", joinDetail(`${str(report.type)}: ${message}`, `in the ${str(report.phase)}`, where));
    default:
      return violated("runtime_error", clip(`unexpected harness outcome ${report.outcome}`));
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

/** No trustworthy report: the program died, was killed, or exited before reporting. */
function fromStatus(result: SandboxResult, ctx: VerdictContext): Judgement {
  switch (result.status) {
    case "timeout":
      return violated("timeout", result.error === "CPU time limit exceeded" ? `exceeded ${ctx.timeoutS} s of CPU time` : `exceeded ${ctx.timeoutS} s`);
    case "memory_limit":
      return violated("memory_limit", clip(lastLine(result.stderr)));
    case "output_limit":
      return violated("output_limit", "the program wrote too much output and was killed");
    case "killed":
      return violated("runtime_error", clip(result.error ?? `terminated by ${result.signal}`));
    default:
      return result.exitCode === 0
        ? violated("exited_early", "the program exited before the tests completed")
        : violated("runtime_error", joinDetail(`exit code ${result.exitCode}`, lastLine(result.stderr)));
  }
}

export function judgementFor(result: SandboxResult, ctx: VerdictContext): Judgement {
  if (result.status === "sandbox_unavailable") return judgeError("sandbox_unavailable", clip(result.error ?? ""));
  if (result.status === "sandbox_error") return judgeError("sandbox_error", clip(result.error ?? ""));
  if (ctx.cancelled && result.status === "killed") return judgeError("cancelled", "the evaluation was cancelled");
  const report = readReport(result.report, ctx.nonce);
  // A report that exists but did not finish before our kill is not the harness's last word.
  if (report !== null && (result.status === "ok" || result.status === "memory_limit")) return fromReport(report, result, ctx);
  return fromStatus(result, ctx);
}
