import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, maxParamDiff, modelFile, ONE_NODE_TWO_RANKS, ONE_THREAD, PARAM_ATOL, pidsWhere, run, WORKER_PYTHON } from "./helpers.js";
import type { TestBundle } from "./helpers.js";
import { REPO } from "../emit/targetContext.js";

/**
 * The generated launch/slurm.sbatch on a real two-node Slurm cluster (scripts/slurm-up.sh; .ci/run
 * starts it): 2 nodes x 1 CPU rank through `sbatch --wait` end with the parameters of the 2-rank
 * local run, and a job requeued mid-training resumes from its last checkpoint and ends with the
 * parameters of the uninterrupted job. In CI a missing cluster fails; elsewhere it skips. Waits
 * are long because other suites may share the cluster (jobs then queue for the two nodes).
 */

function clusterUp(): boolean {
  const r = spawnSync("sinfo", ["--Node", "--noheader", "--nodes=n1,n2", "--format=%N %t"], { encoding: "utf8" });
  return r.status === 0 && (r.stdout.match(/^n[12] (idle|mix|alloc)/gm) ?? []).length === 2;
}

const up = clusterUp();
const inCi = process.env.CI === "true";
const runDir = (b: TestBundle) => path.join(b.dir, "runs", "two-node");
const bundles: TestBundle[] = [];
afterAll(() => {
  for (const b of bundles) rmSync(b.root, { recursive: true, force: true });
});

function jobState(job: string): string {
  const out = execFileSync("scontrol", ["show", "job", "-o", job], { encoding: "utf8" });
  return /JobState=(\S+)/.exec(out)?.[1] ?? "UNKNOWN";
}

/** The rl stage's rank processes of bundle `b` (torchrun's workers, not its agents). */
function rlRanks(b: TestBundle): number[] {
  return pidsWhere((a) => a.includes("align_worker") && !a.includes("torch.distributed.run") &&
    a.some((x) => x.startsWith(b.dir)) && a.join("\0").includes("\0--stage\0rl\0"));
}

/**
 * `scontrol update StartTime=now` on a requeued job, once its last attempt is cleaned up: slurmd
 * revokes the old attempt's credential with one-second resolution, and an attempt started in that
 * same second is killed ("Job credential revoked"), which Slurm's own requeue delay never meets.
 */
async function startNow(job: string): Promise<void> {
  await until("the requeued job's nodes to be cleaned up", 120, () => clusterUp() && !/CG|COMPLETING/.test(
    execFileSync("squeue", ["--noheader", "--jobs", job, "--format=%t"], { encoding: "utf8" })));
  await new Promise((r) => setTimeout(r, 2000));
  execFileSync("scontrol", ["update", `jobid=${job}`, "StartTime=now"]);
}

async function until(what: string, seconds: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!up && !inCi)("launch/slurm.sbatch on a real two-node Slurm cluster", () => {
  let local: TestBundle;
  let slurm: TestBundle;

  beforeAll(() => {
    if (!up) throw new Error("no Slurm nodes n1,n2: run `sudo bash scripts/slurm-up.sh` (.ci/run does)");
    if (!existsSync(WORKER_PYTHON)) throw new Error(`${WORKER_PYTHON} missing: run scripts/worker-venv.sh (torchrun needs torch 2)`);
  });

  it("runs 2 nodes x 1 CPU rank through sbatch --wait to the parameters of the 2-rank local run", async () => {
    local = await buildFixture(ONE_NODE_TWO_RANKS);
    bundles.push(local);
    const l = await run("node", [path.join(local.dir, "main.js"), "--launcher", "local", "--run-dir", runDir(local), "--python", WORKER_PYTHON], local.dir);
    expect(l.status, l.stderr).toBe(0);

    slurm = await buildFixture();
    bundles.push(slurm);
    const r = await run("sbatch", ["--wait", "launch/slurm.sbatch", "--python", WORKER_PYTHON], slurm.dir);
    const job = /Submitted batch job (\d+)/.exec(r.stdout)?.[1];
    const attemptLog = path.join(runDir(slurm), "logs", "slurm", `${job}_0.log`);
    const log = existsSync(attemptLog) ? readFileSync(attemptLog, "utf8") : "(no attempt log)";
    expect(r.status, `sbatch --wait: ${r.stderr}\n${log}`).toBe(0);
    // One srun step over both nodes: the rendezvous saw 2 nodes, and the stages ran through it.
    const batchLog = readFileSync(path.join(slurm.dir, `two_node-${job}.slurm.log`), "utf8");
    expect(batchLog).toContain(`align: job ${job} attempt 0 on n[1-2]`);
    expect(log).toMatch(/warmup \(sft\): starting/);
    expect(log).toMatch(/judge server at http:\/\/127\.0\.0\.1:\d+/);
    for (const stage of ["warmup", "rl"]) {
      expect(maxParamDiff(modelFile(runDir(local), stage), modelFile(runDir(slurm), stage)), stage).toBeLessThan(PARAM_ATOL);
    }
  }, 900_000);

  it("align launch --target slurm submits the bundle with sbatch (cancelled at once)", async () => {
    const b = await buildFixture();
    bundles.push(b);
    const r = await run(process.execPath, [path.join(REPO, "bin/align.js"), "launch", b.dir, "--target", "slurm", "--", "--python", WORKER_PYTHON], b.dir);
    const job = r.stdout.trim();
    expect(r.status, r.stderr).toBe(0);
    expect(job).toMatch(/^\d+$/);
    execFileSync("scancel", [job]);
    expect(execFileSync("scontrol", ["show", "job", "-o", job], { encoding: "utf8" })).toContain(`WorkDir=${b.dir}`);
  }, 120_000);

  it("a job requeued during training resumes from its last checkpoint and ends with the uninterrupted job's parameters", async () => {
    const b = await buildFixture();
    bundles.push(b);
    const job = execFileSync("sbatch", ["--parsable", "launch/slurm.sbatch", "--python", WORKER_PYTHON], { cwd: b.dir, encoding: "utf8", env: { ...process.env, ...ONE_THREAD } }).trim().split(";")[0]!;
    const checkpoints = path.join(runDir(b), "rl", "checkpoints");
    await until("the first rl checkpoint", 600, () => existsSync(checkpoints) && readdirSync(checkpoints).some((d) => d.startsWith("step-")));
    // Held while the requeue is issued, so it lands during training however loaded the machine.
    const held = rlRanks(b);
    for (const pid of held) process.kill(pid, "SIGSTOP");
    execFileSync("scontrol", ["requeue", job]);
    for (const pid of held) process.kill(pid, "SIGCONT");
    await until("the requeued job to be pending", 120, () => jobState(job) === "PENDING");
    await startNow(job);
    await until("the second attempt to finish", 600, () => ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL"].includes(jobState(job)));
    const second = readFileSync(path.join(runDir(b), "logs", "slurm", `${job}_1.log`), "utf8");
    expect(jobState(job), second).toBe("COMPLETED");
    // The first attempt's log is kept; the second skipped the finished stage and resumed rl.
    expect(existsSync(path.join(runDir(b), "logs", "slurm", `${job}_0.log`))).toBe(true);
    expect(second).toMatch(/warmup: skipped|warmup.*skip/i);
    expect(second).toMatch(/rl \(cgpo\): resuming/);
    // It went on from a checkpoint (steps 1-2 were not run again), not from step 0.
    const steps = [...second.matchAll(/\[rl\] step (\d+)\/32/g)].map((m) => Number(m[1]));
    expect(Math.min(...steps)).toBeGreaterThan(2);
    expect(Math.max(...steps)).toBe(32);
    expect(maxParamDiff(modelFile(runDir(slurm), "rl"), modelFile(runDir(b), "rl"))).toBeLessThan(PARAM_ATOL);
  }, 1_200_000);

  it("USR1 before the time limit: the ranks checkpoint the step they are at, the job requeues itself and resumes from that step", async () => {
    // No periodic checkpoint falls in the run: the only one is the one USR1 asks for.
    const b = await buildFixture([["checkpoint_every = 2", "checkpoint_every = 100"]]);
    bundles.push(b);
    const job = execFileSync("sbatch", ["--parsable", "launch/slurm.sbatch", "--python", WORKER_PYTHON], { cwd: b.dir, encoding: "utf8", env: { ...process.env, ...ONE_THREAD } }).trim().split(";")[0]!;
    // The rl ranks are held from when they start until the trap has written the stop file: tiny
    // steps take milliseconds, and the signal must land during training, not after it.
    let held: number[] = [];
    await until("the two rl ranks", 600, () => (held = rlRanks(b)).length === 2);
    for (const pid of held) process.kill(pid, "SIGSTOP");
    // What --signal=B:USR1@N does before the time limit.
    execFileSync("scancel", ["--signal=USR1", "--batch", job]);
    await until("the trap's stop file", 60, () => existsSync(path.join(runDir(b), ".align-checkpoint-and-stop")));
    for (const pid of held) process.kill(pid, "SIGCONT");
    await until("the job to requeue itself", 180, () => jobState(job) === "PENDING");
    const first = readFileSync(path.join(runDir(b), "logs", "slurm", `${job}_0.log`), "utf8");
    const stopped = /checkpointed at step (\d+) of 32/.exec(first);
    expect(stopped, first.slice(-2000)).not.toBeNull();
    // Reported as the stop it was, not as a failure (torchrun passes the ranks' exit 75 on as 1).
    expect(first).toContain("stage rl stopped: its ranks checkpointed as .align-checkpoint-and-stop asked; run again to resume");
    expect(first).not.toContain("stage rl failed");
    await startNow(job);
    await until("the second attempt to finish", 600, () => ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL"].includes(jobState(job)));
    const second = readFileSync(path.join(runDir(b), "logs", "slurm", `${job}_1.log`), "utf8");
    expect(jobState(job), second.slice(-2000)).toBe("COMPLETED");
    const steps = [...second.matchAll(/\[rl\] step (\d+)\/32/g)].map((m) => Number(m[1]));
    expect(Math.min(...steps)).toBe(Number(stopped![1]) + 1);
    expect(maxParamDiff(modelFile(runDir(slurm), "rl"), modelFile(runDir(b), "rl"))).toBeLessThan(PARAM_ATOL);
  }, 1_200_000);
});
