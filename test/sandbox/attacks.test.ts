/**
 * The sandbox attack suite. Each attack is a "solution" whose tests pass only if the attack
 * worked, run through the real code_tests judge and the real bubblewrap sandbox: every one
 * must come back as a verdict with a reason, and the host must be unaffected (checked from
 * the host side, not only from what the sandbox says).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeTestsJudge } from "../../runtime/judges/code_tests/index.js";
import type { Judgement } from "../../runtime/judges/types.js";
import { probeSandbox, runSandboxed, SandboxPool } from "../../runtime/sandbox/index.js";
import { describeProcesses, processesWith, programsWith, PYTHON, requireSandbox, SKIP_SANDBOX, uniqueToken, waitFor } from "./helpers.js";

const pool = new SandboxPool({ concurrency: 2 });
const REPO = process.cwd();

async function attack(code: string, tests: string, config: Record<string, unknown> = {}): Promise<Judgement> {
  const judge = createCodeTestsJudge("attack", { timeout: 20, ...config }, { pool });
  return judge.evaluate({ prompt: "", response: "```python\n" + code + "\n```", fields: { tests } }, {});
}

function listen(server: Server, options: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve) => server.listen(options, resolve));
}

describe.skipIf(SKIP_SANDBOX)("sandbox attack suite", () => {
  beforeAll(requireSandbox);

  it("network: no connection to the host's loopback, an abstract socket, or the outside", async () => {
    let connections = 0;
    const tcp = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    const abstract = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    const abstractName = uniqueToken("abstract");
    await listen(tcp, { port: 0, host: "127.0.0.1" });
    await listen(abstract, { path: `\0${abstractName}` });
    const port = (tcp.address() as { port: number }).port;
    try {
      const code = `import socket
def attack():
    results = []
    for host, port in [("127.0.0.1", ${port}), ("1.1.1.1", 53), ("10.0.2.2", 80)]:
        try:
            socket.create_connection((host, port), timeout=3).close()
            results.append("connected")
        except OSError as error:
            results.append(type(error).__name__)
    try:
        unix = socket.socket(socket.AF_UNIX)
        unix.connect("\\0${abstractName}")
        results.append("connected")
    except OSError as error:
        results.append(type(error).__name__)
    try:
        socket.getaddrinfo("example.com", 80)
        results.append("resolved")
    except OSError:
        results.append("no dns")
    return results`;
      const verdict = await attack(code, 'r = attack()\nassert "connected" in r or "resolved" in r, r');
      expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
      expect(verdict.detail).toContain("ConnectionRefusedError"); // loopback of an empty network namespace
      expect(connections).toBe(0);
    } finally {
      tcp.close();
      abstract.close();
    }
  });

  it("filesystem: nothing outside the work dir is writable, and the work dir is not the host's", async () => {
    const token = uniqueToken("write");
    const targets = ["/tmp", "/etc", "/usr", "/usr/lib", "/", "/root", "/dev", "/dev/shm", "/proc", "/var/tmp", "/home", "/work", REPO].map((d) => join(d, token));
    const code = `import os
TARGETS = ${JSON.stringify(targets)}
def attack():
    wrote = []
    for path in TARGETS:
        try:
            with open(path, "w") as handle:
                handle.write("pwned")
            wrote.append(path)
        except OSError:
            pass
    for path in ("/tmp", "/etc/cron.d", "/var/spool"):
        try:
            os.makedirs(path + "/${token}")
            wrote.append(path)
        except OSError:
            pass
    return wrote`;
    // /work/<token> is the sandbox's own tmpfs: the only write that may succeed.
    const verdict = await attack(code, `r = attack()\nassert [p for p in r if p != "/work/${token}"], r`);
    expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    for (const target of targets) expect(existsSync(target), target).toBe(false);
  });

  it("secrets: the host's environment is not visible, not even through /proc", async () => {
    const secret = `sk-${uniqueToken("secret")}`;
    process.env.ALIGN_FAKE_API_KEY = secret;
    try {
      const code = `import os
def attack():
    found = [k for k, v in os.environ.items() if "${secret}" in v or k == "ALIGN_FAKE_API_KEY"]
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["self"]:
        for name in ("environ", "cmdline"):
            try:
                if b"${secret}" in open("/proc/%s/%s" % (pid, name), "rb").read():
                    found.append(pid)
            except OSError:
                pass
    return found`;
      const verdict = await attack(code, "assert attack()");
      expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
      const raw = await runSandboxed({ argv: ["/usr/bin/env"], limits: { wallMs: 30_000 } });
      expect(raw.status).toBe("ok");
      expect(raw.stdout).not.toContain(secret);
      expect(raw.stdout).not.toContain("ALIGN_FAKE_API_KEY");
    } finally {
      delete process.env.ALIGN_FAKE_API_KEY;
    }
  });

  it("home: the host's home directory and account files cannot be read", async () => {
    const token = uniqueToken("home");
    const home = homedir();
    const secretFile = join(home, `.${token}`);
    writeFileSync(secretFile, "host secret");
    try {
      const code = `import os, glob
def attack():
    found = []
    for path in ["${secretFile}", os.path.expanduser("~/.${token}"), "/etc/passwd", "/etc/shadow"] + glob.glob("/home/*/.${token}"):
        try:
            open(path).read()
            found.append(path)
        except OSError:
            pass
    return found + [p for p in ("/root", "/home", "${REPO}", "/sys") if os.path.exists(p)]`;
      const verdict = await attack(code, "assert attack()");
      expect(verdict).toMatchObject({ status: "violated", reason: "tests_failed" });
    } finally {
      unlinkSync(secretFile);
    }
  });

  it("host processes: cannot be seen or signalled", async () => {
    const code = `import os
def attack():
    try:
        os.kill(${process.pid}, 0)
        return True
    except OSError:
        pass
    return len([p for p in os.listdir("/proc") if p.isdigit()]) > 10`;
    expect(await attack(code, "assert attack()")).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("namespaces: no nested user namespace and no mounts", async () => {
    const probe = await probeSandbox();
    const nestedUsernsBlocked = probe.ok && probe.host.layout.disableUserns;
    const code = `import ctypes, os
def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    escaped = []
    if ${nestedUsernsBlocked ? "True" : "False"} and libc.unshare(0x10000000) == 0:
        escaped.append("userns")
    os.makedirs("/work/m", exist_ok=True)
    if libc.mount(b"none", b"/work/m", b"tmpfs", 0, None) == 0:
        escaped.append("mount")
    return escaped`;
    expect(await attack(code, "assert attack()")).toMatchObject({ status: "violated", reason: "tests_failed" });
  });

  it("kernel surface: risky system calls, and the x32 syscall table, fail with EPERM", async () => {
    const probe = await probeSandbox();
    if (!probe.ok || probe.host.seccomp === null) return; // no table for this architecture
    const code = `import ctypes, platform
NR = {"x86_64": [101, 250, 321, 298, 323, 425, 165, 272, 308], "aarch64": [117, 219, 280, 241, 282, 425, 40, 97, 268]}[platform.machine()]
def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    return [nr for nr in NR if libc.syscall(nr, 0, 0, 0, 0, 0) != -1 or ctypes.get_errno() != 1]`;
    // Every call must fail with EPERM (errno 1); any other outcome means the filter let it through.
    expect(await attack(code, "assert attack()")).toMatchObject({ status: "violated", reason: "tests_failed" });
    if (process.arch === "x64") {
      // getpid through the x32 table: the filter cannot be bypassed by renumbering a call.
      const x32 = await runSandboxed({ argv: [PYTHON, "-c", "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.syscall(0x40000000 | 39), ctypes.get_errno())"], limits: { wallMs: 30_000 } });
      expect(x32).toMatchObject({ status: "ok", stdout: "-1 1\n" });
    }
  });

  it("fork bomb: bounded by the process limit, killed at the timeout, nothing left", async () => {
    const token = uniqueToken("forkbomb");
    const code = `import os, sys
BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n"
os.execv(sys.executable, [sys.executable, "-c", BOMB, "${token}"])`;
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, processesWith(token).length)), 25);
    try {
      const verdict = await attack(code, "assert True", { timeout: 3, processes: 16 });
      expect(verdict.status).toBe("violated");
      expect(["timeout", "runtime_error"]).toContain(verdict.reason);
    } finally {
      clearInterval(watch);
    }
    expect(most).toBeGreaterThan(0); // the bomb did run
    expect(most).toBeLessThanOrEqual(16);
    expect(await waitFor(() => processesWith(token).length === 0, 5_000)).toBe(true);
  });

  it("memory bomb: one huge allocation, and many small ones, stop at the address-space limit", async () => {
    const big = await attack("def f():\n    return len(bytearray(1 << 36))", "assert f() > 0");
    expect(big).toMatchObject({ status: "violated", reason: "memory_limit" });
    const growing = await attack("def f():\n    hog = []\n    while True:\n        hog.append(' ' * (1 << 20))", "assert f()", { memory: 128 << 20 });
    expect(growing).toMatchObject({ status: "violated", reason: "memory_limit" });
    const mapped = await attack("import mmap\ndef f():\n    return mmap.mmap(-1, 1 << 36)", "assert f()");
    expect(mapped).toMatchObject({ status: "violated", reason: "memory_limit" });
  });

  it("disk bomb: the work dir is small and /dev/shm is not writable", async () => {
    const shm = await attack("def f():\n    open('/dev/shm/x', 'w').write('x')\n    return True", "assert f()");
    expect(shm).toMatchObject({ status: "violated", reason: "runtime_error" });
    expect(shm.detail).toMatch(/Read-only file system/);
    const code = `def f():
    n = 0
    while True:
        with open("/work/f%d" % n, "wb") as handle:
            handle.write(b"x" * (8 << 20))
        n += 1`;
    const verdict = await attack(code, "assert f()");
    expect(verdict).toMatchObject({ status: "violated", reason: "runtime_error" });
    expect(verdict.detail).toMatch(/OSError|No space left|File too large/);
  });

  it("infinite loops: busy and sleeping, both end as timeout", async () => {
    expect(await attack("def f():\n    while True:\n        pass", "assert f()", { timeout: 2 })).toMatchObject({ status: "violated", reason: "timeout" });
    expect(await attack("import time\ntime.sleep(10 ** 6)", "assert True", { timeout: 2 })).toMatchObject({ status: "violated", reason: "timeout" });
  });

  it("gigabytes of output: killed early, captured output bounded, our memory flat", async () => {
    const before = process.memoryUsage().rss;
    for (const stream of ["sys.stdout", "sys.stderr"]) {
      const code = `import sys\nchunk = "x" * (1 << 20)\nwhile True:\n    ${stream}.write(chunk)`;
      expect(await attack(code, "assert True")).toMatchObject({ status: "violated", reason: "output_limit" });
    }
    // fd 3 of the solution's process is /dev/null (only the harness's judge process holds the
    // report channel): 64 MiB written there are neither captured nor counted.
    const report = await attack("import os\nfor _ in range(64):\n    os.write(3, b'y' * (1 << 20))\ndef attack():\n    return 0", "assert attack() == 1");
    expect(report).toMatchObject({ status: "violated", reason: "tests_failed" });
    // Without the kill threshold the runner drains everything yet keeps only the capture.
    const drained = await runSandboxed({
      argv: [PYTHON, "-c", "import os\nb = b'z' * (1 << 20)\nfor _ in range(512): os.write(1, b)"],
      limits: { wallMs: 120_000, killOutputBytes: 2 ** 40 },
    });
    expect(drained).toMatchObject({ status: "ok", exitCode: 0, truncated: true });
    expect(drained.stdout.length).toBeLessThan(80 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });

  it("daemons: a double-forked, setsid child does not outlive the run", async () => {
    const token = uniqueToken("daemon");
    const code = `import os, signal, sys, time
def daemonize():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.execv(sys.executable, [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.05)", "${token}"])
        os._exit(0)
    os.wait()
def alive():
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            if b"${token}" in open("/proc/%s/cmdline" % pid, "rb").read():
                return True
        except OSError:
            pass
    return False
daemonize()
deadline = time.time() + 10
while not alive() and time.time() < deadline:
    time.sleep(0.05)`;
    // The tests pass only if the daemon was really running inside the sandbox.
    const verdict = await attack(code, "assert alive()");
    expect(verdict).toMatchObject({ status: "satisfied", reason: "tests_passed" });
    expect(await waitFor(() => processesWith(token).length === 0, 5_000)).toBe(true);
  });
});

describe.skipIf(SKIP_SANDBOX)("sandbox attack suite: the judge process dies mid-run", () => {
  it("takes every sandboxed process with it (--die-with-parent)", async () => {
    const token = uniqueToken("orphan");
    const dir = mkdtempSync(join(process.env.TMPDIR ?? "/tmp", "align-orphan-"));
    const script = join(dir, "judge.mts");
    const runtime = pathToFileURL(join(REPO, "runtime/sandbox/index.ts")).href;
    writeFileSync(script, `import { runSandboxed } from ${JSON.stringify(runtime)};
await runSandboxed({ argv: ["${PYTHON}", "-c", "import time\\nwhile True: time.sleep(0.05)", "${token}"], limits: { wallMs: 120000 } });
`);
    const judge = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO, stdio: "ignore" });
    try {
      // Wait for the sandboxed program itself, not just bwrap (whose argv carries the token too):
      // only then is the run under way and bwrap's parent-death signal armed.
      expect(await waitFor(() => programsWith(token, "python").length > 0, 30_000)).toBe(true);
      judge.kill("SIGKILL");
      // Generous: on a loaded 2-core CI machine the kills and reaping can lag.
      const gone = await waitFor(() => processesWith(token).length === 0, 30_000);
      expect(gone, `left behind: ${describeProcesses(processesWith(token))}`).toBe(true);
    } finally {
      judge.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(SKIP_SANDBOX)("sandbox attack suite: the judge process freezes", () => {
  // A sleeping program burns no CPU, so only a wall-clock limit can end it.
  const sleeper = (token: string): string => `"import time\\nwhile True: time.sleep(0.05)", "${token}"`;
  const sandboxRun = (token: string): string => `import { runSandboxed } from ${JSON.stringify(pathToFileURL(join(REPO, "runtime/sandbox/index.ts")).href)};
await runSandboxed({ argv: ["${PYTHON}", "-c", ${sleeper(token)}], limits: { wallMs: 3000 } });
`;
  // code_tests runs its harness as the sandbox's pid 1, without the init: the harness's judge
  // process keeps the backstop. The solution replaces its own process with the sleeper.
  const codeTestsRun = (token: string): string => `import { createCodeTestsJudge } from ${JSON.stringify(pathToFileURL(join(REPO, "runtime/judges/code_tests/index.ts")).href)};
const solution = "import os, sys\\nos.execv(sys.executable, [sys.executable, '-c', 'import time; [time.sleep(0.05) for _ in iter(int, 1)]', '${token}'])";
await createCodeTestsJudge("frozen", { timeout: 3 }).evaluate({ prompt: "", response: "\`\`\`python\\n" + solution + "\\n\`\`\`", fields: { tests: "assert True" } }, {});
`;

  it.each([
    ["a sandboxed program, under the init", sandboxRun],
    ["a code_tests run, whose harness is pid 1", codeTestsRun],
  ])("%s still ends at its wall-clock limit (the in-sandbox backstop)", async (_label, judgeScript) => {
    const token = uniqueToken("frozen");
    const dir = mkdtempSync(join(process.env.TMPDIR ?? "/tmp", "align-frozen-"));
    const script = join(dir, "judge.mts");
    writeFileSync(script, judgeScript(token));
    const judge = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO, stdio: "ignore" });
    try {
      expect(await waitFor(() => programsWith(token, "python").length > 0, 30_000)).toBe(true);
      // Stopped, the judge can neither kill at the wall limit nor die (no parent-death signal):
      // the same position as a judge that died before bwrap armed that signal.
      judge.kill("SIGSTOP");
      // 3 s wall limit + 2 s backstop grace, with room for a loaded machine.
      const gone = await waitFor(() => processesWith(token).length === 0, 20_000);
      expect(gone, `left behind: ${describeProcesses(processesWith(token))}`).toBe(true);
    } finally {
      judge.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(SKIP_SANDBOX)("sandbox attack suite: the host", () => {
  const scratch = mkdtempSync(join(process.env.TMPDIR ?? "/tmp", "align-attack-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("keeps serving: sandboxes still run normally after the attacks", async () => {
    writeFileSync(join(scratch, "probe"), "ok");
    const r = await runSandboxed({ argv: [PYTHON, "-c", "print(6 * 7)"], limits: { wallMs: 30_000 } });
    expect(r).toMatchObject({ status: "ok", stdout: "42\n" });
    expect(readFileSync(join(scratch, "probe"), "utf8")).toBe("ok");
  });
});
