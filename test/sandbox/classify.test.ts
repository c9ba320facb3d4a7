import { describe, expect, it } from "vitest";
import { classify, endsWithMemoryError, signalFromExitCode, type RunEnding } from "../../runtime/sandbox/classify.js";

const base: RunEnding = { mode: "bwrap", exitCode: 0, signal: null, commandExitCode: 0, stderrTail: "" };

describe("classify", () => {
  it("a command that ran and exited is ok, whatever its code", () => {
    expect(classify(base)).toEqual({ status: "ok", exitCode: 0, signal: null });
    expect(classify({ ...base, exitCode: 3, commandExitCode: 3 }).status).toBe("ok");
  });

  it("our kills win over how the process ended", () => {
    expect(classify({ ...base, killedFor: "timeout", signal: "SIGKILL" }).status).toBe("timeout");
    expect(classify({ ...base, killedFor: "output" }).status).toBe("output_limit");
    expect(classify({ ...base, killedFor: "abort" }).status).toBe("killed");
  });

  it("bwrap exiting without the command's exit code is a sandbox error, never the program's", () => {
    const r = classify({ ...base, exitCode: 1, commandExitCode: null, stderrTail: "bwrap: Can't mount proc on /newroot/proc: Operation not permitted\n" });
    expect(r.status).toBe("sandbox_error");
    expect(r.error).toContain("Can't mount proc");
  });

  it("a process killed by the cgroup's memory bound is memory_limit; a run that still exited 0 is ok", () => {
    expect(classify({ ...base, exitCode: 137, commandExitCode: 137, oomKilled: true })).toMatchObject({ status: "memory_limit", signal: "SIGKILL" });
    expect(classify({ ...base, exitCode: 1, commandExitCode: 1, oomKilled: true }).status).toBe("memory_limit");
    expect(classify({ ...base, oomKilled: true }).status).toBe("ok");
  });

  it("a program that prints a fake bwrap error is still the program", () => {
    expect(classify({ ...base, exitCode: 1, commandExitCode: 1, stderrTail: "bwrap: Can't mount\n" }).status).toBe("ok");
  });

  it("maps 128+N exit codes to signals: SIGXCPU is the CPU limit", () => {
    expect(classify({ ...base, exitCode: 152, commandExitCode: 152 })).toMatchObject({ status: "timeout", signal: "SIGXCPU" });
    expect(classify({ ...base, exitCode: 139, commandExitCode: 139 })).toMatchObject({ status: "killed", signal: "SIGSEGV" });
    expect(signalFromExitCode(137)).toBe("SIGKILL");
    expect(signalFromExitCode(1)).toBeNull();
  });

  it("uses Node's exit and signal directly without bwrap", () => {
    expect(classify({ mode: "none", exitCode: null, signal: "SIGXCPU", commandExitCode: null, stderrTail: "" }).status).toBe("timeout");
    expect(classify({ mode: "none", exitCode: 2, signal: null, commandExitCode: null, stderrTail: "" }).status).toBe("ok");
  });

  it("recognises Python's MemoryError only as the last line, and only on failure", () => {
    const tb = "Traceback (most recent call last):\n  File \"x\", line 1\nMemoryError\n";
    expect(endsWithMemoryError(tb)).toBe(true);
    expect(endsWithMemoryError("MemoryError\nbut then fine\n")).toBe(false);
    expect(classify({ ...base, exitCode: 1, commandExitCode: 1, stderrTail: tb }).status).toBe("memory_limit");
    expect(classify({ ...base, stderrTail: tb }).status).toBe("ok");
  });

  it("a spawn failure is a sandbox error", () => {
    expect(classify({ ...base, spawnError: "spawn bwrap ENOENT" }).status).toBe("sandbox_error");
  });
});
