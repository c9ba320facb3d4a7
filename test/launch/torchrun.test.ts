import { existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LauncherEnvError, rayLauncher, slurmLauncher, torchrunLauncher } from "../../runtime/launch/cluster.js";
import { freePort } from "../../runtime/launch/local.js";
import { buildFixture, maxParamDiff, modelFile, ONE_NODE_TWO_RANKS, PARAM_ATOL, run, WORKER_PYTHON } from "./helpers.js";
import type { TestBundle } from "./helpers.js";

/**
 * The torchrun target on one node: launch/torchrun.sh (NODE_RANK 0, NNODES 1) starts the stage's
 * 2 ranks through real torchrun (c10d rendezvous on loopback) and ends with the local launcher's
 * parameters. And every cluster launcher started outside its environment says what is missing.
 */

const bundles: TestBundle[] = [];
afterAll(() => {
  for (const b of bundles) rmSync(b.root, { recursive: true, force: true });
});

describe("cluster launchers", () => {
  it("outside their environment name the variable that is missing, in one line", () => {
    expect(() => slurmLauncher(1, {})).toThrow(new LauncherEnvError("--launcher slurm needs SLURM_JOB_ID (run it inside an allocation: sbatch launch/slurm.sbatch)"));
    expect(() => torchrunLauncher(1, { MASTER_ADDR: "h" })).toThrow(/--launcher torchrun needs NODE_RANK \(launch\/torchrun\.sh sets it/);
    expect(() => rayLauncher(1, {})).toThrow(/--launcher ray needs ALIGN_RAY_DRIVER \(start the run with python launch\/ray\/driver\.py\)/);
    expect(() => torchrunLauncher(1, { NODE_RANK: "0", MASTER_ADDR: "h", NNODES: "two" })).toThrow('--launcher torchrun: NNODES must be a positive integer, got "two"');
  });

  it("bind the judge server where other nodes reach it only when there are other nodes", () => {
    expect(slurmLauncher(8, { SLURM_JOB_ID: "7", SLURM_JOB_NUM_NODES: "2", ALIGN_HEAD_ADDR: "10.0.0.5" }).judgeHost).toBe("10.0.0.5");
    expect(slurmLauncher(8, { SLURM_JOB_ID: "7", SLURM_JOB_NUM_NODES: "1", ALIGN_HEAD_ADDR: "10.0.0.5" }).judgeHost).toBe("127.0.0.1");
    expect(torchrunLauncher(8, { NODE_RANK: "1", NNODES: "4", MASTER_ADDR: "node0" }).judgeHost).toBe("node0");
  });

  it.skipIf(!existsSync(WORKER_PYTHON) && process.env.CI !== "true")("launch/torchrun.sh runs a 2-rank stage through torchrun to the local launcher's parameters", async () => {
    const b = await buildFixture(ONE_NODE_TWO_RANKS);
    bundles.push(b);
    const local = path.join(b.root, "local-run");
    const l = await run("node", [path.join(b.dir, "main.js"), "--launcher", "local", "--stage", "warmup", "--run-dir", local, "--python", WORKER_PYTHON], b.dir);
    expect(l.status, l.stderr).toBe(0);
    const t = await run("sh", ["launch/torchrun.sh", "--stage", "warmup", "--python", WORKER_PYTHON], b.dir,
      { NODE_RANK: "0", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(await freePort()) });
    expect(t.status, t.stderr.slice(-3000)).toBe(0);
    const viaTorchrun = path.join(b.dir, "runs", "two-node");
    expect(maxParamDiff(modelFile(local, "warmup"), modelFile(viaTorchrun, "warmup"))).toBeLessThan(PARAM_ATOL);
  }, 400_000);
});
