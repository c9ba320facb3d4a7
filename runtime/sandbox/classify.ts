/**
 * Turning how a run ended into a `SandboxStatus`, as a pure function. The order of the checks
 * is the precedence: what we did to the process (killed it for a limit) wins over what the
 * process did, and a sandbox that never started the command is never blamed on the program.
 */
import { constants } from "node:os";
import type { SandboxMode, SandboxStatus } from "./types.js";

export type KillReason = "timeout" | "output" | "abort";

export interface RunEnding {
  readonly mode: SandboxMode;
  /** spawn() itself failed (executable missing, EACCES, ...). */
  readonly spawnError?: string;
  readonly killedFor?: KillReason;
  /** What Node saw for the spawned process (bwrap itself in bwrap mode). */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** bwrap mode: the command's exit code from `--json-status-fd`; null if it never ran. */
  readonly commandExitCode: number | null;
  /** The last bytes of stderr. */
  readonly stderrTail: string;
  /** The sandbox's cgroup memory bound made the kernel kill a process of it. */
  readonly oomKilled?: boolean;
}

export interface Classified {
  readonly status: SandboxStatus;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly error?: string;
}

const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as const),
);

/** The shell convention bwrap follows: a command killed by signal N exits with 128 + N. */
export function signalFromExitCode(code: number): string | null {
  return code > 128 ? (SIGNAL_NAMES.get(code - 128) ?? null) : null;
}

/** Python's last traceback line is `MemoryError` (possibly with a message). */
export function endsWithMemoryError(stderrTail: string): boolean {
  const lines = stderrTail.trimEnd().split("\n");
  return /^MemoryError\b/.test(lines[lines.length - 1] ?? "");
}

function firstLines(text: string, max = 3): string {
  return text.trim().split("\n").slice(0, max).join("\n").slice(0, 500);
}

function killedByUs(reason: KillReason): Classified {
  if (reason === "output") return { status: "output_limit", exitCode: null, signal: "SIGKILL", error: "output limit exceeded" };
  if (reason === "timeout") return { status: "timeout", exitCode: null, signal: "SIGKILL", error: "wall-clock limit exceeded" };
  return { status: "killed", exitCode: null, signal: "SIGKILL", error: "cancelled" };
}

/** The command's own exit: code and signal, whichever way the mode reports them. */
function commandExit(end: RunEnding): { exitCode: number | null; signal: string | null } {
  if (end.mode === "none") return { exitCode: end.exitCode, signal: end.signal };
  const code = end.commandExitCode;
  return code === null ? { exitCode: null, signal: null } : { exitCode: code, signal: signalFromExitCode(code) };
}

export function classify(end: RunEnding): Classified {
  if (end.spawnError !== undefined) return { status: "sandbox_error", exitCode: null, signal: null, error: end.spawnError };
  if (end.killedFor !== undefined) return killedByUs(end.killedFor);
  if (end.mode === "bwrap" && end.commandExitCode === null) {
    const how = end.signal !== null ? `bwrap terminated by ${end.signal}` : `bwrap exited with ${end.exitCode}`;
    const said = firstLines(end.stderrTail);
    return { status: "sandbox_error", exitCode: null, signal: null, error: said ? `${how}: ${said}` : how };
  }
  const { exitCode, signal } = commandExit(end);
  if (end.oomKilled === true && (signal !== null || exitCode !== 0)) {
    return { status: "memory_limit", exitCode, signal, error: "the sandbox's memory bound was reached (a process was killed)" };
  }
  if (signal === "SIGXCPU") return { status: "timeout", exitCode, signal, error: "CPU time limit exceeded" };
  if (signal !== null) return { status: "killed", exitCode, signal, error: `terminated by ${signal}` };
  if (exitCode !== 0 && endsWithMemoryError(end.stderrTail)) return { status: "memory_limit", exitCode, signal, error: "MemoryError" };
  return { status: "ok", exitCode, signal };
}
