/**
 * Shared bits of the sandbox and code_tests suites. These suites need a working bubblewrap:
 * they fail loudly when it is missing rather than pass vacuously. ALIGN_SKIP_SANDBOX_TESTS=1
 * skips them on a machine that cannot create user namespaces (and says so in the output).
 */
import { readdirSync, readFileSync } from "node:fs";
import { probeSandbox } from "../../runtime/sandbox/index.js";

export const PYTHON = "/usr/bin/python3";
export const SKIP_SANDBOX = process.env.ALIGN_SKIP_SANDBOX_TESTS === "1";

export async function requireSandbox(): Promise<void> {
  const probe = await probeSandbox();
  if (!probe.ok) throw new Error(`the bubblewrap sandbox does not work here: ${probe.reason} (ALIGN_SKIP_SANDBOX_TESTS=1 skips these suites)`);
}

/** Host processes whose command line contains `token` (to find anything a run left behind). */
export function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "latin1").includes(token)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The processes with `token` in their argv whose program is `name` (e.g. the sandboxed python). */
export function programsWith(token: string, name: string): number[] {
  return processesWith(token).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "latin1").trim().startsWith(name);
    } catch {
      return false;
    }
  });
}

/** `pid name state ppid` of each process, for a failure message that shows what was left. */
export function describeProcesses(pids: readonly number[]): string {
  return pids
    .map((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "latin1");
        const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, "m").exec(status)?.[1] ?? "?";
        return `${pid} ${field("Name")} ${field("State")} ppid=${field("PPid")}`;
      } catch {
        return `${pid} (gone)`;
      }
    })
    .join("; ");
}

export function uniqueToken(label: string): string {
  return `align_${label}_${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2)}`;
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
