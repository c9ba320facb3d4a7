/**
 * Ending a sandbox from outside, whatever happened inside: bwrap reports the host pid of the
 * sandbox's pid 1 and the inode of its pid namespace on the status fd; killing that pid 1
 * makes the kernel kill every process of the namespace. We kill only a process that is still
 * in that namespace (never a pid reused by another process) and wait until it is a zombie,
 * which it becomes only once every other process of the namespace is gone.
 */
import { readFileSync, readlinkSync } from "node:fs";

export interface SandboxInit {
  /** Host pid of the sandbox's pid 1. */
  readonly pid: number;
  /** Inode number of the sandbox's pid namespace. */
  readonly pidNamespace: number;
}

/** From bwrap's `--json-status-fd` output: `{"child-pid": N, ..., "pid-namespace": M, ...}`. */
export function parseSandboxInit(statusText: string): SandboxInit | null {
  const pid = /"child-pid"\s*:\s*(\d+)/.exec(statusText);
  const ns = /"pid-namespace"\s*:\s*(\d+)/.exec(statusText);
  return pid && ns ? { pid: Number(pid[1]), pidNamespace: Number(ns[1]) } : null;
}

/** Alive and still the sandbox's init: in its pid namespace and not yet a zombie. */
function stillRunning(init: SandboxInit): boolean {
  try {
    if (readlinkSync(`/proc/${init.pid}/ns/pid`) !== `pid:[${init.pidNamespace}]`) return false;
    const stat = readFileSync(`/proc/${init.pid}/stat`, "latin1");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false; // reaped: the namespace is gone
  }
}

/** SIGKILL the sandbox's pid 1 once, if it is still running; true when it was. */
export function stopSandbox(init: SandboxInit): boolean {
  if (!stillRunning(init)) return false;
  try {
    process.kill(init.pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL the sandbox's pid 1 until it and with it the namespace are gone; false on timeout. */
export async function killSandbox(init: SandboxInit, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (stillRunning(init)) {
    if (Date.now() > deadline) return false;
    try {
      process.kill(init.pid, "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
