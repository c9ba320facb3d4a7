/**
 * The judge server with code_tests sandboxes started ahead (sandboxWarm): verdicts as usual,
 * and after close() none of its sandboxes is left on the host.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { JudgePlan } from "../../runtime/judges/plan-config.js";
import { startJudgeServer } from "../../runtime/server/index.js";
import { requireSandbox, SKIP_SANDBOX, waitFor } from "../sandbox/helpers.js";
import { postJson } from "./helpers.js";

/** bwrap processes this test process started (vitest runs each file in its own process). */
function ourSandboxes(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return stat.includes("(bwrap)") && Number(fields[1]) === process.pid && fields[0] !== "Z";
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(SKIP_SANDBOX)("judge server with sandboxes started ahead", () => {
  beforeAll(requireSandbox);

  it("judges code with them, and close() leaves none of them on the host", async () => {
    const plan: JudgePlan = {
      models: {},
      judges: { tests: { variant: "code_tests", on_error: "violated", scope: null, timeout: 20 } },
      tasks: { code: { prompts: [], judges: [{ judge: "tests" }] } },
    };
    const server = await startJudgeServer(plan, { port: 0, sandboxWarm: 2 });
    try {
      const sample = (id: string, body: string) => ({ id, prompt: "p", response: "```python\n" + body + "\n```", fields: { tests: ["assert add(1, 2) == 3"] } });
      const reply = await postJson(server.url, { task: "code", samples: [sample("good", "def add(a, b):\n    return a + b"), sample("bad", "def add(a, b):\n    return 0")] });
      expect(reply.status).toBe(200);
      const verdicts = reply.json.results.map((r: { verdicts: Record<string, { status: string }> }) => r.verdicts.tests?.status);
      expect(verdicts).toEqual(["satisfied", "violated"]);
      expect(await waitFor(() => ourSandboxes().length === 2, 10_000)).toBe(true);
    } finally {
      await server.close();
    }
    expect(ourSandboxes()).toEqual([]);
  });

  it("refuses a size out of 0..64", async () => {
    const plan: JudgePlan = { models: {}, judges: {}, tasks: {} };
    await expect(startJudgeServer(plan, { port: 0, sandboxWarm: 65 })).rejects.toThrow(/sandboxWarm/);
  });
});
