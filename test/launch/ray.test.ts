import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, maxParamDiff, modelFile, ONE_NODE_TWO_RANKS, PARAM_ATOL, pidsWhere, run, WORKER_PYTHON } from "./helpers.js";
import type { TestBundle } from "./helpers.js";

/**
 * The generated launch/ray/driver.py on a real Ray head started here on loopback (ray from the
 * worker venv: scripts/worker-venv.sh): the fixture's stages run as 2 rank actors (one CPU each)
 * and end with the parameters of the 2-rank local run. The head is stopped after, by the process
 * ids of its own temp dir (never `ray stop`, which would stop every Ray of this user).
 */

const RAY = path.join(path.dirname(WORKER_PYTHON), "ray");
const haveRay = existsSync(RAY);
const inCi = process.env.CI === "true";
const runDir = (b: TestBundle) => path.join(b.dir, "runs", "two-node");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

describe.skipIf(!haveRay && !inCi)("launch/ray/driver.py on a real Ray head", () => {
  const temp = mkdtempSync(path.join(tmpdir(), "alr-"));
  const bundles: TestBundle[] = [];
  let address = "";

  beforeAll(async () => {
    if (!haveRay) throw new Error(`${RAY} missing: run scripts/worker-venv.sh (it installs ray[train] from the local wheels)`);
    const [gcs, client, agent] = [await freePort(), await freePort(), await freePort()];
    address = `127.0.0.1:${gcs}`;
    // Asynchronous: `ray start` can take tens of seconds under load, and a synchronous call would
    // block the test worker's event loop long enough for vitest's RPC to time out.
    await promisify(execFile)(RAY, ["start", "--head", "--node-ip-address=127.0.0.1", `--port=${gcs}`, `--ray-client-server-port=${client}`,
      `--dashboard-agent-listen-port=${agent}`, "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats", `--temp-dir=${temp}`]);
  }, 120_000);

  afterAll(async () => {
    for (const sig of ["SIGTERM", "SIGKILL"] as const) {
      for (const pid of pidsWhere((args) => args.some((a) => a.includes(temp)))) {
        try {
          process.kill(pid, sig);
        } catch { /* already gone */ }
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    rmSync(temp, { recursive: true, force: true });
    for (const b of bundles) rmSync(b.root, { recursive: true, force: true });
  }, 30_000);

  it("runs the stages as 2 rank actors to the parameters of the 2-rank local run", async () => {
    const local = await buildFixture(ONE_NODE_TWO_RANKS);
    bundles.push(local);
    const l = await run("node", [path.join(local.dir, "main.js"), "--launcher", "local", "--run-dir", runDir(local), "--python", WORKER_PYTHON], local.dir);
    expect(l.status, l.stderr).toBe(0);

    // The fixture's 2 nodes x 1 CPU rank, placed by Ray on this one head (2 CPUs).
    const ray = await buildFixture();
    bundles.push(ray);
    const r = await run(WORKER_PYTHON, [path.join(ray.dir, "launch/ray/driver.py"), "--python", WORKER_PYTHON], ray.dir,
      { ALIGN_RAY_ADDRESS: address, RAY_DISABLE_USAGE_STATS: "1" });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toMatch(/rl \(cgpo\): starting/);
    // Two nodes: the judge server listens on this node's address, which ranks on the other reach.
    expect(r.stderr).toMatch(/judge server at http:\/\/\d+\.\d+\.\d+\.\d+:\d+/);
    expect(r.stderr).not.toMatch(/judge server at http:\/\/127\.0\.0\.1:/);
    for (const stage of ["warmup", "rl"]) {
      expect(maxParamDiff(modelFile(runDir(local), stage), modelFile(runDir(ray), stage)), stage).toBeLessThan(PARAM_ATOL);
    }
  }, 600_000);
});
