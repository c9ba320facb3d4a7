import { beforeAll, describe, expect, it } from "vitest";
import { SandboxPool } from "../../runtime/sandbox/index.js";
import { PYTHON, requireSandbox, SKIP_SANDBOX } from "./helpers.js";

const sleeper = (seconds: number) => ({ argv: [PYTHON, "-c", `import time; time.sleep(${seconds}); print('done')`], limits: { wallMs: 60_000 } });

describe.skipIf(SKIP_SANDBOX)("SandboxPool", () => {
  beforeAll(requireSandbox);

  it("never runs more than its concurrency at once, and runs everything queued", async () => {
    const pool = new SandboxPool({ concurrency: 2 });
    let maxActive = 0;
    let maxQueued = 0;
    const sample = setInterval(() => {
      maxActive = Math.max(maxActive, pool.active);
      maxQueued = Math.max(maxQueued, pool.queued);
    }, 5);
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => pool.run(sleeper(0.3))));
      expect(results.map((r) => r.stdout)).toEqual(Array(5).fill("done\n"));
    } finally {
      clearInterval(sample);
    }
    expect(maxActive).toBe(2);
    expect(maxQueued).toBeGreaterThanOrEqual(2);
    expect(pool.active).toBe(0);
    expect(pool.stats().ok).toBe(5);
  });

  it("drops a queued run whose signal aborts, without running it", async () => {
    const pool = new SandboxPool({ concurrency: 1 });
    const first = pool.run(sleeper(0.5));
    const controller = new AbortController();
    const second = pool.run({ ...sleeper(0), signal: controller.signal });
    expect(pool.queued).toBe(1);
    controller.abort();
    expect(await second).toMatchObject({ status: "killed", error: "cancelled while queued" });
    expect(pool.queued).toBe(0);
    expect((await first).status).toBe("ok");
    expect(pool.stats()).toMatchObject({ ok: 1, killed: 1 });
  });

  it("rejects a non-positive concurrency", () => {
    expect(() => new SandboxPool({ concurrency: 0 })).toThrow();
  });
});
