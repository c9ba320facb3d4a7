import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** Small timing helpers shared by the benchmarks: medians over repeated runs, in one process. */

/** The machine's load when a figure was taken: on a shared machine wall times scale with it. */
export function loadLine(when: string): string {
  return `load average ${when}: ${loadavg().map((l) => l.toFixed(2)).join(", ")} on ${cpus().length} CPUs`;
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` once to warm up, then `runs` times; returns the median wall time in ms. */
export function timeMedian(fn: () => unknown, runs: number): number {
  return timeAndCpuMedian(fn, runs).wallMs;
}

/**
 * Median wall time and median CPU time (user + system, all of the process's threads, so the
 * garbage collector's helpers count) in ms. On a shared machine the wall time also counts the
 * time spent waiting for a core; the CPU time is the work itself.
 */
export function timeAndCpuMedian(fn: () => unknown, runs: number): { wallMs: number; cpuMs: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e3);
  }
  return { wallMs: medianOf(wall), cpuMs: medianOf(cpu) };
}

export function formatRow(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((cell, i) => String(cell).padEnd(widths[i] ?? 12)).join("  ");
}

/**
 * CPU time (user + system, ms) from Linux's /proc: of a running process by `pid`, or with
 * `children`, of this process's children that have exited and been waited for. Undefined where
 * there is no /proc. In clock ticks of 10 ms (USER_HZ), so take several runs.
 */
export function procCpuMs(pid: number | "self", children = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
    return (Number(user) + Number(system)) * 10;
  } catch {
    return undefined;
  }
}
