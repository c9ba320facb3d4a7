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
 * parameters. On two "nodes" of this host (two launch/torchrun.sh processes, NODE_RANK 0 and 1,
 * one shared run directory) node 1 follows node 0 through every stage, judge server included, to
 * the same parameters; a follower whose node 0 fails or never comes exits 1 with one line. And
 * every cluster launcher started outside its environment says what is missing.
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
    expect(() => torchrunLauncher(1, { NODE_RANK: "2", MASTER_ADDR: "h", NNODES: "2" })).toThrow('--launcher torchrun: NODE_RANK must be 0..1 (NNODES 2), got "2"');
  });

  it("bind the judge server where other nodes reach it only when there are other nodes", () => {
    expect(slurmLauncher(8, { SLURM_JOB_ID: "7", SLURM_JOB_NUM_NODES: "2", ALIGN_HEAD_ADDR: "10.0.0.5" }).judgeHost).toBe("10.0.0.5");
    expect(slurmLauncher(8, { SLURM_JOB_ID: "7", SLURM_JOB_NUM_NODES: "1", ALIGN_HEAD_ADDR: "10.0.0.5" }).judgeHost).toBe("127.0.0.1");
    expect(torchrunLauncher(8, { NODE_RANK: "1", NNODES: "4", MASTER_ADDR: "node0" }).judgeHost).toBe("node0");
  });

  const hasTorch2 = existsSync(WORKER_PYTHON) || process.env.CI === "true";

  /** Built once for the tests that use it: the local 2-rank run of every stage, and the 2-node bundle. */
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const localRun = once(async () => {
    const b = await buildFixture(ONE_NODE_TWO_RANKS);
    bundles.push(b);
    const runDir = path.join(b.root, "local-run");
    const l = await run("node", [path.join(b.dir, "main.js"), "--launcher", "local", "--run-dir", runDir, "--python", WORKER_PYTHON], b.dir);
    if (l.status !== 0) throw new Error(`the local 2-rank run failed: ${l.stderr.slice(-3000)}`);
    return { bundle: b, runDir };
  });
  const twoNodeBundle = once(async () => {
    const b = await buildFixture();
    bundles.push(b);
    return b;
  });

  it.skipIf(!hasTorch2)("launch/torchrun.sh runs a 2-rank stage through torchrun to the local launcher's parameters", async () => {
    const { bundle: b, runDir: local } = await localRun();
    const t = await run("sh", ["launch/torchrun.sh", "--stage", "warmup", "--python", WORKER_PYTHON], b.dir,
      { NODE_RANK: "0", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(await freePort()) });
    expect(t.status, t.stderr.slice(-3000)).toBe(0);
    const viaTorchrun = path.join(b.dir, "runs", "two-node");
    expect(maxParamDiff(modelFile(local, "warmup"), modelFile(viaTorchrun, "warmup"))).toBeLessThan(PARAM_ATOL);
  }, 400_000);

  /** The environment of node `rank` of two on this host, node 0's ports given to both. */
  const nodeEnv = (rank: number, ports: { master: number; coord: number }, extra: Record<string, string> = {}) =>
    ({ NODE_RANK: String(rank), NNODES: "2", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(ports.master), ALIGN_COORD_PORT: String(ports.coord), ...extra });
  const twoPorts = async () => ({ master: await freePort(), coord: await freePort() });

  it("a node other than 0 whose node 0 never answers gives up after ALIGN_FOLLOW_TIMEOUT with one line", async () => {
    const b = await twoNodeBundle();
    const ports = await twoPorts();
    const f = await run("sh", ["launch/torchrun.sh"], b.dir, nodeEnv(1, ports, { ALIGN_FOLLOW_TIMEOUT: "2", ALIGN_RUN_ID: "orphan" }));
    expect(f.status).toBe(1);
    expect(f.stderr).toContain(`align run: node 1: timed out after 2 s waiting for node 0's coordinator at http://127.0.0.1:${ports.coord} to answer`);
    expect(existsSync(path.join(b.dir, "runs", "orphan", ".align-run.lock")), "a follower takes no lock").toBe(false);
  }, 60_000);

  it("a node other than 0 exits 1 naming node 0's failure when node 0 cannot run", async () => {
    const b = await twoNodeBundle();
    const ports = await twoPorts();
    const missing = path.join(b.root, "no-such-python");
    const env = { ALIGN_RUN_ID: "no-python" };
    const [leader, follower] = await Promise.all([0, 1].map((rank) => run("sh", ["launch/torchrun.sh", "--python", missing], b.dir, nodeEnv(rank, ports, env))));
    expect(leader!.status, leader!.stderr).toBe(1);
    expect(follower!.status, follower!.stderr).toBe(1);
    expect(follower!.stderr).toMatch(new RegExp(`^align run: node 1: node 0 ended the run: pre-flight found 1 problem.*: python: ${missing} \\(from --python\\) cannot run the worker.*$`, "m"));
  }, 60_000);

  it.skipIf(!hasTorch2)("two launch/torchrun.sh nodes (node 1 following node 0) run every stage to the 2-rank local run's parameters", async () => {
    const { runDir: localDir } = await localRun();
    const b = await twoNodeBundle();
    const ports = await twoPorts();
    const [n0, n1] = await Promise.all([0, 1].map((rank) => run("sh", ["launch/torchrun.sh", "--python", WORKER_PYTHON], b.dir, nodeEnv(rank, ports))));
    expect(n0!.status, n0!.stderr.slice(-3000)).toBe(0);
    expect(n1!.status, n1!.stderr.slice(-3000)).toBe(0);
    expect(n1!.stdout).toContain("align run: node 1: done, following node 0 (ran warmup, rl)");
    // Only node 0 ran the judge server; node 1's ranks called it (rl's rewards come from it).
    expect(n0!.stderr).toMatch(/align run: judge server at http:\/\/127\.0\.0\.1:\d+/);
    expect(n1!.stderr).not.toMatch(/judge server at/);
    const runDir = path.join(b.dir, "runs", "two-node");
    for (const stage of ["warmup", "rl"]) {
      expect(maxParamDiff(modelFile(localDir, stage), modelFile(runDir, stage)), stage).toBeLessThan(PARAM_ATOL);
    }
  }, 400_000);
});
