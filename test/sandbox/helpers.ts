/**
 * Shared bits of the sandbox and code_tests suites. These suites need a working bubblewrap:
 * they fail loudly when it is missing rather than pass vacuously. ALIGN_SKIP_SANDBOX_TESTS=1
 * skips them on a machine that cannot create user namespaces (and says so in the output).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
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

/** The pid namespace a host process is in (`pid:[4026532178]`), or null once it is gone. */
export function pidNamespaceOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** Every host process in the pid namespace `ns`: a whole sandbox, its init included. */
export function namespaceMembers(ns: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pidNamespaceOf(pid) === ns);
}

/** Resident memory (bytes) and CPU time (seconds, user + system) of one host process. */
export function usageOf(pid: number): { rss: number; cpu: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command name start at field 3 (state): utime is 14, stime 15, rss 24.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rss: Number(fields[21]) * 4096, cpu: ticks / 100 };
  } catch {
    return null;
  }
}

/**
 * The CPU bandwidth (in cores) of the cgroup a host process is in: Infinity when unbounded,
 * undefined when it cannot be read (the process or its cgroup went away meanwhile).
 */
export function cpuQuotaOf(pid: number): number | undefined {
  try {
    const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n");
    const v1 = lines.map((l) => /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:(.*)$/.exec(l)).find((m) => m !== null);
    const v2 = lines.map((l) => /^0::(.*)$/.exec(l)).find((m) => m !== null);
    if (v1) {
      const dir = `/sys/fs/cgroup/cpu${v1[1]}`;
      const quota = Number(readFileSync(`${dir}/cpu.cfs_quota_us`, "utf8"));
      return quota < 0 ? Infinity : quota / Number(readFileSync(`${dir}/cpu.cfs_period_us`, "utf8"));
    }
    if (v2) {
      const [quota, period] = readFileSync(`/sys/fs/cgroup${v2[1]}/cpu.max`, "utf8").trim().split(" ");
      return quota === "max" ? Infinity : Number(quota) / Number(period);
    }
    return Infinity;
  } catch {
    return undefined;
  }
}
