import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, beforeAll } from "vitest";
import { runSandboxed, type SandboxRequest } from "../../runtime/sandbox/index.js";
import { PYTHON, requireSandbox, SKIP_SANDBOX } from "./helpers.js";

const py = (code: string, extra: Partial<SandboxRequest> = {}): Promise<Awaited<ReturnType<typeof runSandboxed>>> =>
  runSandboxed({ argv: [PYTHON, "main.py"], files: { "main.py": code }, limits: { wallMs: 30_000 }, ...extra });

describe.skipIf(SKIP_SANDBOX)("runSandboxed (bubblewrap)", () => {
  beforeAll(requireSandbox);

  it("runs a program and returns its exit code, stdout and stderr", async () => {
    const r = await py("import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n");
    expect(r).toMatchObject({ status: "ok", exitCode: 3, signal: null, stdout: "out\n", stderr: "err\n", truncated: false });
  });

  it("feeds stdin and captures the report channel on fd 3", async () => {
    const r = await py("import os, sys\nos.write(3, sys.stdin.read().upper().encode())\n", { stdin: "hello" });
    expect(r.status).toBe("ok");
    expect(r.report).toBe("HELLO");
  });

  it("runs as an unprivileged user in /work with only the fixed environment", async () => {
    const r = await py("import os, json\nprint(json.dumps([os.getuid(), os.getcwd(), dict(os.environ), os.getpid()]))\n", { env: { EXTRA: "1" } });
    const [uid, cwd, env, pid] = JSON.parse(r.stdout) as [number, string, Record<string, string>, number];
    expect(uid).toBe(1000);
    expect(cwd).toBe("/work");
    expect(Object.keys(env).sort()).toEqual(["EXTRA", "HOME", "LANG", "PATH", "PWD", "TMPDIR", "TZ"]);
    expect(pid).toBeLessThan(10); // a fresh pid namespace
  });

  it("kills the whole tree at the wall-clock limit", async () => {
    const r = await py("import time\ntime.sleep(600)\n", { limits: { wallMs: 1_000 } });
    expect(r.status).toBe("timeout");
    expect(r.exitCode).toBeNull();
  });

  it("stops a busy loop at the CPU limit (SIGXCPU)", async () => {
    const r = await py("while True: pass\n", { limits: { wallMs: 60_000, cpuSeconds: 1 } });
    expect(r).toMatchObject({ status: "timeout", signal: "SIGXCPU" });
  });

  it("reports the address-space limit as memory_limit", async () => {
    const r = await py("x = bytearray(1 << 33)\n", { limits: { wallMs: 30_000, memoryBytes: 256 << 20 } });
    expect(r.status).toBe("memory_limit");
  });

  it("caps the work dir and the size of one file", async () => {
    const r = await py(
      "import os\ntry:\n  open('big', 'wb').write(b'x' * (2 << 20))\nexcept OSError as e:\n  print('fsize', e.errno)\nos.remove('big') if os.path.exists('big') else None\n" +
        "n = 0\ntry:\n  while True:\n    open('f%d' % n, 'wb').write(b'x' * (512 << 10)); n += 1\nexcept OSError as e:\n  print('full', e.errno, n)\n",
      { limits: { wallMs: 30_000, fileSizeBytes: 1 << 20, workDirBytes: 4 << 20 } },
    );
    expect(r.stdout).toMatch(/^fsize 27\n/); // EFBIG
    expect(r.stdout).toMatch(/full 28 [0-9]\n/); // ENOSPC within 4 MiB
  });

  it("gives sandbox_error, not a verdict on the program, when the program does not exist or is not bound", async () => {
    expect((await runSandboxed({ argv: ["/usr/bin/no-such-interpreter"] })).status).toBe("sandbox_error");
    const dir = mkdtempSync(join(tmpdir(), "align-outside-"));
    try {
      writeFileSync(join(dir, "tool"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
      const r = await runSandboxed({ argv: [join(dir, "tool")] });
      expect(r).toMatchObject({ status: "sandbox_error" });
      expect(r.error).toMatch(/not inside the sandbox/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is cancelled by the AbortSignal, before or during the run", async () => {
    const before = new AbortController();
    before.abort();
    expect((await py("print(1)", { signal: before.signal })).status).toBe("killed");
    const during = new AbortController();
    setTimeout(() => during.abort(), 300);
    const r = await py("import time\ntime.sleep(600)\n", { signal: during.signal });
    expect(r).toMatchObject({ status: "killed", error: "cancelled" });
  });

  it("keeps the head and tail of long output and marks it truncated", async () => {
    const r = await py("import sys\nfor i in range(20000): print('line', i)\nprint('THE END', file=sys.stdout)\n", {
      limits: { wallMs: 30_000, captureBytes: 1024, tailBytes: 64 },
    });
    expect(r.status).toBe("ok");
    expect(r.truncated).toBe(true);
    expect(r.stdout.startsWith("line 0\n")).toBe(true);
    expect(r.stdout.endsWith("THE END\n")).toBe(true);
    expect(r.stdout.length).toBeLessThan(1024 + 64 + 64);
  });

  it("rejects malformed requests as caller bugs", async () => {
    await expect(runSandboxed({ argv: ["python3"] })).rejects.toThrow(/absolute/);
    await expect(runSandboxed({ argv: [PYTHON], files: { "../x": "" } })).rejects.toThrow(/file name/);
    await expect(runSandboxed({ argv: [PYTHON], limits: { wallMs: Number.NaN } })).rejects.toThrow(/wallMs/);
  });
});

describe("runSandboxed with a broken bubblewrap", () => {
  it("answers sandbox_unavailable and runs nothing when bwrap is missing", async () => {
    const r = await runSandboxed({ argv: [PYTHON, "-c", "print('ran')"] }, { bwrapPath: "/nonexistent/bwrap" });
    expect(r.status).toBe("sandbox_unavailable");
    expect(r.error).toMatch(/bubblewrap/);
    expect(r.stdout).toBe("");
  });

  it("answers sandbox_unavailable when bwrap cannot create the sandbox", async () => {
    // `false` stands in for a bwrap that fails at once (as without user namespaces).
    const r = await runSandboxed({ argv: [PYTHON, "-c", "print('ran')"] }, { bwrapPath: "/usr/bin/false" });
    expect(r.status).toBe("sandbox_unavailable");
    expect(r.error).toMatch(/cannot create a sandbox/);
  });
});

describe("runSandboxed with sandbox none (trusted code)", () => {
  it("runs directly with the same limits and a clean environment, and warns", async () => {
    process.env.ALIGN_TEST_SECRET_NONE = "do-not-leak";
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const r = await runSandboxed({ mode: "none", argv: [PYTHON, "-c", "import os; print(sorted(os.environ))"], limits: { wallMs: 30_000 } });
      expect(r.status).toBe("ok");
      expect(r.stdout).not.toContain("ALIGN_TEST_SECRET_NONE");
      const slow = await runSandboxed({ mode: "none", argv: [PYTHON, "-c", "import time; time.sleep(600)"], limits: { wallMs: 500 } });
      expect(slow.status).toBe("timeout");
      await new Promise((r) => setImmediate(r));
      expect(warnings.some((m) => m.includes("WITHOUT a sandbox"))).toBe(true);
    } finally {
      process.off("warning", onWarning);
      delete process.env.ALIGN_TEST_SECRET_NONE;
    }
  });
});
