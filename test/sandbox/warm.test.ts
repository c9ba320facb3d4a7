import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WarmSandboxes, type SandboxRequest } from "../../runtime/sandbox/index.js";
import { describeProcesses, processesWith, PYTHON, requireSandbox, SKIP_SANDBOX, uniqueToken, waitFor } from "./helpers.js";

// The program reads its job (Python source) from stdin and runs it; the token marks its processes.
const template = (token: string, wallMs = 10_000): SandboxRequest => ({ argv: [PYTHON, "-c", "import sys; exec(sys.stdin.read())", token], limits: { wallMs, cpuSeconds: 10 } });

async function started(set: WarmSandboxes, count: number): Promise<void> {
  set.fill();
  expect(await waitFor(() => set.ready === count, 10_000)).toBe(true);
}

describe.skipIf(SKIP_SANDBOX)("sandboxes started ahead (WarmSandboxes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "align-warm-"));
  beforeAll(requireSandbox);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a started sandbox's wall clock starts with its job, not with the sandbox", async () => {
    const token = uniqueToken("warm_clock");
    const set = new WarmSandboxes(template(token, 1_000), { size: 1 });
    try {
      await started(set, 1);
      await new Promise((r) => setTimeout(r, 1_500)); // longer than the limit, before the job
      const quick = await set.run("print('ran')");
      expect(quick).toMatchObject({ status: "ok", exitCode: 0, stdout: "ran\n" });
      await started(set, 1);
      await new Promise((r) => setTimeout(r, 1_500));
      const busy = await set.run("while True: pass");
      expect(busy.status).toBe("timeout");
      expect(busy.wallMs).toBeGreaterThanOrEqual(950);
      expect(busy.wallMs).toBeLessThan(2_500);
    } finally {
      await set.close();
    }
  });

  it("each sandbox takes exactly one job: nothing of one run is seen by the next", async () => {
    const set = new WarmSandboxes(template(uniqueToken("warm_once")), { size: 1 });
    try {
      await started(set, 1);
      const first = await set.run("import os\nprint(os.path.exists('/work/mark'))\nopen('/work/mark', 'w').write('x')");
      await started(set, 1);
      const second = await set.run("import os\nprint(os.path.exists('/work/mark'))");
      expect([first.stdout, second.stdout]).toEqual(["False\n", "False\n"]);
    } finally {
      await set.close();
    }
  });

  it("a sandbox that waits longer than its idle time is discarded, and nothing of it is left", async () => {
    const token = uniqueToken("warm_idle");
    const set = new WarmSandboxes(template(token), { size: 1, idleMs: 300 });
    try {
      await started(set, 1);
      expect(processesWith(token).length).toBeGreaterThan(0);
      expect(await waitFor(() => processesWith(token).length === 0, 5_000), describeProcesses(processesWith(token))).toBe(true);
      expect(set.ready).toBe(0);
    } finally {
      await set.close();
    }
  });

  it("close discards every waiting sandbox before it resolves", async () => {
    const token = uniqueToken("warm_close");
    const set = new WarmSandboxes(template(token), { size: 2 });
    await started(set, 2);
    await set.close();
    expect(processesWith(token), describeProcesses(processesWith(token))).toEqual([]);
    await expect(set.run("print(1)")).rejects.toThrow(/after close/);
  });

  it("sandboxes started ahead die with the process that started them, even by SIGKILL", async () => {
    const token = uniqueToken("warm_orphan");
    const script = join(dir, "owner.mts");
    const runtime = resolve(import.meta.dirname, "../../runtime/sandbox/index.ts");
    writeFileSync(
      script,
      `import { WarmSandboxes } from ${JSON.stringify(runtime)};\n` +
        `const set = new WarmSandboxes(${JSON.stringify(template(token))}, { size: 2 });\n` +
        "set.fill();\nconst timer = setInterval(() => { if (set.ready === 2) { console.log('ready'); clearInterval(timer); setInterval(() => {}, 1000); } }, 20);\n",
    );
    const owner = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((done, fail) => {
      owner.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && done());
      owner.on("exit", (code) => fail(new Error(`the owner exited early (${code})`)));
    });
    expect(processesWith(token).length).toBeGreaterThan(1);
    owner.kill("SIGKILL");
    expect(await waitFor(() => processesWith(token).length === 0, 5_000), describeProcesses(processesWith(token))).toBe(true);
  });
});
