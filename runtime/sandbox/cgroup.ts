/**
 * Bounds for a sandbox as a whole, with a cgroup per run: memory (swap included), CPU
 * bandwidth and the number of tasks, whatever the processes inside do to each other, and a
 * kill that reaches every process of the run from outside. cgroup v2 where this process's
 * cgroup is delegated to it; cgroup v1 (memory, cpu and pids hierarchies) where those are
 * writable (typically root in a container). Where neither works, the probe says why and the
 * runner warns once: the limits are then per process only (docs/judges/code_tests.md).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SandboxLimits } from "./types.js";

export interface CgroupHost {
  readonly version: "v2" | "v1";
  /** Directories under which each run gets its own cgroup: one (v2) or one per controller (v1). */
  readonly parents: readonly string[];
}

const CGROUP_ROOT = "/sys/fs/cgroup";
const V1_CONTROLLERS = ["memory", "cpu", "pids"] as const;
const CPU_PERIOD_US = 100_000;

/** `id:controllers:path` lines of /proc/self/cgroup, by controller ("" for the v2 line). */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1]!.split(",")) paths.set(controller, match[2]!);
  }
  return paths;
}

function writable(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    return null;
  } catch (err) {
    return `cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}

function detectV2(path: string, tag: string): CgroupHost | string {
  const own = join(CGROUP_ROOT, path);
  const available = readFileSync(join(CGROUP_ROOT, "cgroup.controllers"), "utf8").split(/\s+/);
  const missing = ["memory", "cpu", "pids"].filter((c) => !available.includes(c));
  if (missing.length > 0) return `cgroup v2 lacks the ${missing.join(", ")} controller(s)`;
  const parent = join(own, tag);
  const problem = writable(parent);
  if (problem !== null) return `cgroup v2: ${problem} (delegate a cgroup subtree to the judge)`;
  try {
    // Controllers reach a child only through every ancestor's subtree_control; our own
    // cgroup must hold no processes for that (v2's no-internal-processes rule) unless it is the root.
    writeFileSync(join(own, "cgroup.subtree_control"), "+memory +cpu +pids");
    writeFileSync(join(parent, "cgroup.subtree_control"), "+memory +cpu +pids");
  } catch (err) {
    rmdirQuietly(parent);
    return `cgroup v2: cannot enable memory, cpu and pids below ${own} (${(err as NodeJS.ErrnoException).code ?? String(err)}; the judge must run in a leaf of a delegated subtree)`;
  }
  return { version: "v2", parents: [parent] };
}

function detectV1(paths: Map<string, string>, tag: string): CgroupHost | string {
  const parents: string[] = [];
  for (const controller of V1_CONTROLLERS) {
    const path = paths.get(controller);
    const mount = [join(CGROUP_ROOT, controller), join(CGROUP_ROOT, "cpu,cpuacct")].find((dir) => existsSync(join(dir, "cgroup.procs")));
    if (path === undefined || mount === undefined) return `cgroup v1 has no ${controller} hierarchy mounted under ${CGROUP_ROOT}`;
    const parent = join(mount, path, tag);
    const problem = writable(parent);
    if (problem !== null) return `cgroup v1: ${problem}`;
    parents.push(parent);
  }
  return { version: "v1", parents };
}

const TAG_PREFIX = "align-sandbox-";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove a parent and its (empty) run cgroups; what still holds processes stays. */
function removeParent(parent: string): void {
  try {
    for (const entry of readdirSync(parent, { withFileTypes: true })) if (entry.isDirectory()) rmdirQuietly(join(parent, entry.name));
  } catch {
    // Already gone.
  }
  rmdirQuietly(parent);
}

/** Parents left by judge processes that died without cleaning up. */
function sweepStale(parent: string): void {
  try {
    for (const entry of readdirSync(dirname(parent))) {
      const pid = Number(entry.slice(TAG_PREFIX.length));
      if (entry.startsWith(TAG_PREFIX) && Number.isInteger(pid) && pid !== process.pid && !alive(pid)) removeParent(join(dirname(parent), entry));
    }
  } catch {
    // Nothing to sweep.
  }
}

function detect(tag: string): CgroupHost | string {
  const paths = parseProcCgroup(readFileSync("/proc/self/cgroup", "utf8"));
  const v2 = paths.get("");
  if (existsSync(join(CGROUP_ROOT, "cgroup.controllers")) && v2 !== undefined) return detectV2(v2, tag);
  if (V1_CONTROLLERS.every((c) => paths.has(c))) return detectV1(paths, tag);
  return "no cgroup v2 and no cgroup v1 memory, cpu and pids hierarchies on this host";
}

/** Where per-run cgroups can be made here, or why not (a sentence for the warning). */
export function detectCgroups(tag = `${TAG_PREFIX}${process.pid}`): CgroupHost | string {
  let found: CgroupHost | string;
  try {
    found = detect(tag);
  } catch (err) {
    return `cgroups unreadable: ${String(err)}`;
  }
  if (typeof found !== "string") {
    const parents = found.parents;
    parents.forEach(sweepStale);
    process.once("exit", () => parents.forEach(removeParent));
  }
  return found;
}

function rmdirQuietly(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return !existsSync(dir);
  }
}

/** The limit files of every controller (v2 and v1 names); only those present are written. */
function limitFiles(limits: SandboxLimits, extraTasks: number): Array<[string, string]> {
  const quota = Math.max(1_000, Math.round(limits.cpus * CPU_PERIOD_US));
  const memory = String(limits.memoryBytes);
  return [
    ["memory.max", memory],
    ["memory.swap.max", "0"],
    ["memory.limit_in_bytes", memory],
    ["memory.memsw.limit_in_bytes", memory],
    ["cpu.max", `${quota} ${CPU_PERIOD_US}`],
    ["cpu.cfs_period_us", String(CPU_PERIOD_US)],
    ["cpu.cfs_quota_us", String(quota)],
    ["pids.max", String(limits.processes + extraTasks)],
  ];
}

let counter = 0;

/** Emptied cgroups kept for the next run, per host: creating one costs a few ms of mkdir and writes. */
const idle = new Map<CgroupHost, RunCgroup[]>();

/**
 * One run's cgroup: joined by the run's first process, emptied after it, then kept for a later
 * run (the directories are removed when this process exits).
 */
export class RunCgroup {
  /** Limit files as last written, so a reused cgroup rewrites only what changed. */
  private readonly written = new Map<string, string>();
  private readonly absent = new Set<string>();
  /** The OOM-kill count when this run began (the counter is cumulative). */
  private oomBaseline = 0;

  private constructor(
    private readonly host: CgroupHost,
    readonly dirs: readonly string[],
  ) {}

  private static make(host: CgroupHost): RunCgroup {
    counter += 1;
    const dirs = host.parents.map((parent) => join(parent, `run-${counter}`));
    const made: string[] = [];
    try {
      for (const dir of dirs) {
        mkdirSync(dir);
        made.push(dir);
      }
    } catch (err) {
      for (const dir of made) rmdirQuietly(dir);
      throw new Error(`cannot set up the sandbox's cgroup: ${String(err)}`);
    }
    return new RunCgroup(host, dirs);
  }

  /** A cgroup with these limits; `extraTasks`: runner processes in it besides the program's (bwrap, init). */
  static acquire(host: CgroupHost, limits: SandboxLimits, extraTasks: number): RunCgroup {
    const cgroup = idle.get(host)?.pop() ?? RunCgroup.make(host);
    try {
      cgroup.apply(limitFiles(limits, extraTasks));
    } catch (err) {
      cgroup.dirs.forEach(rmdirQuietly);
      throw new Error(`cannot set the sandbox's cgroup limits: ${String(err)}`);
    }
    cgroup.oomBaseline = cgroup.oomKills();
    return cgroup;
  }

  /**
   * Write the limit files that changed. Two passes: v1 wants memory.memsw.limit_in_bytes >=
   * memory.limit_in_bytes at every moment, so raising one needs the other written first.
   */
  private apply(files: ReadonlyArray<readonly [string, string]>): void {
    let failed: Error | null = null;
    for (let pass = 0; pass < 2; pass++) {
      failed = null;
      for (const dir of this.dirs) {
        for (const [file, value] of files) {
          const path = join(dir, file);
          if (this.absent.has(path) || this.written.get(path) === value) continue;
          if (!this.written.has(path) && !existsSync(path)) {
            this.absent.add(path); // not this controller's (or this version's) file
            continue;
          }
          try {
            writeFileSync(path, value);
            this.written.set(path, value);
          } catch (err) {
            this.written.delete(path);
            failed = err as Error;
          }
        }
      }
      if (failed === null) return;
    }
    throw failed;
  }

  /** The files a process's pid is written to, to join every controller's cgroup. */
  get procsFiles(): string[] {
    return this.dirs.map((dir) => join(dir, "cgroup.procs"));
  }

  /** Move these processes into the cgroup (every controller); throws if one cannot be moved. */
  join(pids: readonly number[]): void {
    for (const file of this.procsFiles) for (const pid of pids) writeFileSync(file, String(pid));
  }

  private oomKills(): number {
    let kills = 0;
    for (const dir of this.dirs) {
      for (const file of ["memory.events", "memory.oom_control"]) {
        try {
          const match = /^oom_kill (\d+)$/m.exec(readFileSync(join(dir, file), "utf8"));
          if (match) kills += Number(match[1]);
        } catch {
          // Not this controller's file.
        }
      }
    }
    return kills;
  }

  /** True when the kernel's OOM killer killed a process of this run (the memory bound). */
  oomKilled(): boolean {
    return this.oomKills() > this.oomBaseline;
  }

  private pids(): number[] {
    const pids = new Set<number>();
    for (const file of this.procsFiles) {
      try {
        for (const line of readFileSync(file, "utf8").split("\n")) if (line) pids.add(Number(line));
      } catch {
        // Already removed.
      }
    }
    return [...pids];
  }

  /** SIGKILL everything in the cgroup, wait until it is empty, and keep it for a later run. */
  async release(timeoutMs = 5_000): Promise<void> {
    await this.empty(timeoutMs);
    const list = idle.get(this.host) ?? [];
    idle.set(this.host, list);
    list.push(this);
  }

  /** SIGKILL everything in the cgroup, wait until it is empty, then remove it. */
  async destroy(timeoutMs = 5_000): Promise<void> {
    await this.empty(timeoutMs);
    for (const dir of this.dirs) {
      // An exiting task can keep the cgroup busy for a moment after it left cgroup.procs.
      for (let i = 0; i < 100 && !rmdirQuietly(dir); i++) await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async empty(timeoutMs: number): Promise<void> {
    const kill = this.host.version === "v2" ? join(this.dirs[0]!, "cgroup.kill") : null;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pids = this.pids();
      if (pids.length === 0) return;
      if (kill !== null && existsSync(kill)) writeFileSync(kill, "1");
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      if (Date.now() > deadline) throw new Error(`sandbox cgroup ${this.dirs[0]} still has processes ${pids.join(", ")} after SIGKILL`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
