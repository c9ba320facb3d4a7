/**
 * The sandbox as one unit, checked from the host: no process in it runs without the limits
 * or can write another's memory through /proc/<pid>/mem (which would let it lift them), its
 * memory and CPU are bounded for the sandbox as a whole (cgroups), and nothing of it is left
 * on the host when the verdict arrives. Each attack is a solution whose tests pass only if
 * the attack worked, run through the real code_tests judge and the real bubblewrap sandbox.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../runtime/judges/code_tests/index.js";
import type { Judgement } from "../../runtime/judges/types.js";
import { probeSandbox, SandboxPool } from "../../runtime/sandbox/index.js";
import { cpuQuotaOf, namespaceMembers, pidNamespaceOf, processesWith, requireSandbox, SKIP_SANDBOX, uniqueToken, usageOf } from "./helpers.js";

const pool = new SandboxPool({ concurrency: 2 });
const MIB = 1024 * 1024;

async function attack(code: string, tests: string, config: Record<string, unknown> = {}): Promise<Judgement> {
  const judge = createCodeTestsJudge("attack", { timeout: 20, ...config }, { pool });
  return judge.evaluate({ prompt: "", response: "```python\n" + code + "\n```", fields: { tests } }, {});
}

interface SandboxWatch {
  /** The sandbox's pid namespace, once a process with the token was seen. */
  ns: string | null;
  peakProcesses: number;
  peakRss: number;
  /** CPU seconds of every process seen, and the wall seconds they were watched over. */
  cpuSeconds: number;
  /**
   * The median over samples of the CPU bandwidth (cores) of the processes' cgroup; Infinity if
   * unbounded. A median because an exiting process briefly shows the root cgroup.
   */
  cpuQuota: number;
  wallSeconds: number;
}

/** Sample, from the host, every process of the sandbox that runs a process with `token`. */
function watchSandbox(token: string): { stop: () => SandboxWatch } {
  const watch: SandboxWatch = { ns: null, peakProcesses: 0, peakRss: 0, cpuSeconds: 0, wallSeconds: 0, cpuQuota: 0 };
  const cpuByPid = new Map<number, number>();
  const quotas: number[] = [];
  let first = 0;
  let last = 0;
  const sample = (): void => {
    if (watch.ns === null) {
      const pid = processesWith(token).find((p) => pidNamespaceOf(p) !== pidNamespaceOf(process.pid));
      watch.ns = pid === undefined ? null : pidNamespaceOf(pid);
      if (watch.ns === null) return;
      first = performance.now();
    }
    const members = namespaceMembers(watch.ns);
    if (members.length === 0) return;
    last = performance.now();
    let rss = 0;
    for (const pid of members) {
      const usage = usageOf(pid);
      if (usage === null) continue;
      rss += usage.rss;
      const quota = cpuQuotaOf(pid);
      if (quota !== undefined) quotas.push(quota);
      cpuByPid.set(pid, Math.max(cpuByPid.get(pid) ?? 0, usage.cpu));
    }
    watch.peakProcesses = Math.max(watch.peakProcesses, members.length);
    watch.peakRss = Math.max(watch.peakRss, rss);
  };
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      watch.cpuSeconds = [...cpuByPid.values()].reduce((a, b) => a + b, 0);
      watch.cpuQuota = quotas.sort((a, b) => a - b)[Math.floor(quotas.length / 2)] ?? 0;
      watch.wallSeconds = (last - first) / 1000;
      return watch;
    },
  };
}

/** A solution that starts `count` copies of `program`, each with `token` in its argv. */
function spawning(program: string, count: number, token: string, result: string): string {
  return `import os, subprocess, sys, time
PROGRAM = ${JSON.stringify(program)}
def attack():
    start = time.time()
    procs = [subprocess.Popen([sys.executable, "-c", PROGRAM, "${token}"]) for _ in range(${count})]
    codes = [p.wait() for p in procs]
    wall = time.time() - start
    times = os.times()
    return ${result}`;
}

describe.skipIf(SKIP_SANDBOX)("sandbox isolation, checked from the host", () => {
  beforeAll(requireSandbox);

  it("no process can open another's /proc/<pid>/mem, and every process runs under the limits", async () => {
    const code = `import os
def attack():
    found = []
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    for pid in pids:
        if pid != os.getpid():
            try:
                open("/proc/%d/mem" % pid, "r+b", buffering=0).close()
                found.append("mem of %d" % pid)
            except OSError:
                pass
        limits = open("/proc/%d/limits" % pid).read().splitlines()
        for name in ("Max cpu time", "Max address space", "Max processes", "Max file size"):
            if any(line.startswith(name) and "unlimited" in line for line in limits):
                found.append("%s of %d" % (name, pid))
    return found`;
    const verdict = await attack(code, "assert attack()");
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("a fork bomb holds the whole sandbox, its init included, to the process limit", async () => {
    const token = uniqueToken("bomb");
    const watch = watchSandbox(token);
    const code = `import os, sys
BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n"
os.execv(sys.executable, [sys.executable, "-c", BOMB, "${token}"])`;
    const verdict = await attack(code, "assert True", { timeout: 3, processes: 16 });
    const seen = watch.stop();
    expect(verdict.status).toBe("violated");
    expect(seen.peakProcesses).toBeGreaterThan(1);
    // Every process of the sandbox's pid namespace, counted from the host: 16 + the init.
    expect(seen.peakProcesses).toBeLessThanOrEqual(17);
    expect(namespaceMembers(seen.ns!)).toEqual([]);
  });

  it("memory is bounded for the sandbox as a whole, not per process", async () => {
    const probe = await probeSandbox();
    if (!probe.ok) throw new Error(probe.reason);
    if (probe.host.cgroup === null) {
      // No cgroup here: the runner says so (and warns); the bound is per process only.
      expect(probe.host.cgroupUnavailable).toMatch(/cgroup/);
      return;
    }
    const token = uniqueToken("memhog");
    const watch = watchSandbox(token);
    // Three processes of 150 MiB each, every one under the 256 MiB address-space limit.
    const code = spawning("import time\nhog = b'x' * (150 << 20)\ntime.sleep(1.5)", 3, token, "codes");
    const verdict = await attack(code, "assert attack() == [0, 0, 0]", { memory: 256 * MIB });
    const seen = watch.stop();
    expect(seen.ns).not.toBeNull();
    expect(verdict.status).toBe("violated");
    expect(["memory_limit", "tests_failed"]).toContain(verdict.reason);
    // RSS sums count shared interpreter pages once per process: allow for that.
    expect(seen.peakRss).toBeLessThan(256 * MIB + 64 * MIB);
    expect(namespaceMembers(seen.ns!)).toEqual([]);
  });

  it("CPU is bounded to one core for the sandbox as a whole", async () => {
    const probe = await probeSandbox();
    if (!probe.ok) throw new Error(probe.reason);
    if (probe.host.cgroup === null) {
      expect(probe.host.cgroupUnavailable).toMatch(/cgroup/);
      return;
    }
    const token = uniqueToken("spin");
    const watch = watchSandbox(token);
    const code = spawning("import time\nend = time.time() + 1.5\nwhile time.time() < end: pass", 2, token, "(times.children_user + times.children_system) / wall");
    // Passes only if the two spinning processes got more than 1.5 cores between them.
    const verdict = await attack(code, "assert attack() > 1.5");
    const seen = watch.stop();
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    expect(seen.wallSeconds).toBeGreaterThan(1);
    // The bound itself, read from the host (the ratio alone also holds on a loaded machine).
    expect(seen.cpuQuota).toBeGreaterThan(0);
    expect(seen.cpuQuota).toBeLessThanOrEqual(1);
    expect(seen.cpuSeconds / seen.wallSeconds).toBeLessThan(1.3);
  });

  it("nothing of the sandbox is left on the host when the verdict arrives, daemons included", async () => {
    const token = uniqueToken("daemon");
    const watch = watchSandbox(token);
    const code = `import os, signal, sys, time
def attack():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            os.execv(sys.executable, [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.05)", "${token}"])
        os._exit(0)
    os.wait()
    time.sleep(0.5)
    return True`;
    const verdict = await attack(code, "assert attack()");
    const seen = watch.stop();
    expect(verdict).toMatchObject({ status: "satisfied" });
    expect(seen.ns).not.toBeNull();
    // At once, not eventually: the verdict comes after the whole namespace is gone.
    expect(namespaceMembers(seen.ns!)).toEqual([]);
    expect(processesWith(token)).toEqual([]);
  });
});
