/**
 * The cluster rank launchers (docs/launch.md): each starts a stage's ranks on every node of an
 * allocation as ONE process here (srun, torchrun or the Ray driver) that fans out; that process's
 * exit is the stage's. Ranks get the torchrun environment from torchrun or the Ray driver.
 *   slurm     one `srun --kill-on-bad-exit=1` per stage (inside the sbatch job), torchrun on
 *             every node, c10d rendezvous on the first node (ALIGN_HEAD_ADDR, set by slurm.sbatch)
 *   torchrun  this node's ranks through torchrun, for multi-node runs where every node runs the
 *             program (launch/torchrun.sh: NODE_RANK, NNODES, MASTER_ADDR, MASTER_PORT); nodes
 *             other than 0 follow node 0 (coordinator.ts, program/follower.ts)
 *   ray       `python launch/ray/driver.py stage ...` (ALIGN_RAY_DRIVER, set by the driver itself)
 */
import { hostname } from "node:os";
import { freePort, stageExit } from "./local.js";
import type { RankLauncher, RunningStage, StageInvocation } from "./types.js";
import { signalWorker, startWorker } from "./worker.js";

type Env = Readonly<Record<string, string | undefined>>;

/** A launcher asked for outside the environment it needs: one line naming what is missing. */
export class LauncherEnvError extends Error {}

function need(env: Env, name: string, launcher: string, hint: string): string {
  const value = env[name];
  if (value === undefined || value === "") throw new LauncherEnvError(`--launcher ${launcher} needs ${name} (${hint})`);
  return value;
}

function positive(value: string, name: string, launcher: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new LauncherEnvError(`--launcher ${launcher}: ${name} must be a positive integer, got "${value}"`);
  return n;
}

/** One process that fans out to every rank; its exit is the stage's (rank 0 stands for all). */
function startFanOut(stage: StageInvocation, log: (line: string) => void, wrap: (argv: readonly string[], port: number) => readonly string[], port: () => Promise<number>): RunningStage {
  let child: ReturnType<typeof startWorker> | undefined;
  let pending: NodeJS.Signals | undefined;
  const exited = (async () => {
    const p = await port();
    child = startWorker(stage, log, { env: {}, wrap: (argv) => wrap(argv, p) });
    if (pending !== undefined) signalWorker(child.child, pending);
    const e = await child.exited;
    return stageExit([{ rank: 0, ...e }]);
  })();
  return {
    exited,
    signal(signal) {
      if (child === undefined) pending = signal;
      else signalWorker(child.child, signal);
    },
  };
}

/** torchrun's flags for one node of a c10d rendezvous. */
export function torchrunArgs(o: { nnodes: number; nproc: number; endpoint: string; rdzvId: string; nodeRank?: number }): string[] {
  return [
    "-m", "torch.distributed.run",
    `--nnodes=${o.nnodes}`, `--nproc-per-node=${o.nproc}`,
    ...(o.nodeRank !== undefined ? [`--node-rank=${o.nodeRank}`] : []),
    "--rdzv-backend=c10d", `--rdzv-endpoint=${o.endpoint}`, `--rdzv-id=${o.rdzvId}`,
    // Nodes start seconds apart (image pulls, slow filesystems): wait longer than torchrun's 60 s.
    "--rdzv-conf=join_timeout=900", "--max-restarts=0",
  ];
}

/** `[python, -m, align_worker, ...]` → `[python, <torchrun flags>, -m, align_worker, ...]`. */
function underTorchrun(argv: readonly string[], flags: readonly string[]): string[] {
  const [python = "python3", ...worker] = argv;
  return [python, ...flags, ...worker];
}

export function slurmLauncher(ranksPerNode: number, env: Env = process.env): RankLauncher {
  const jobId = need(env, "SLURM_JOB_ID", "slurm", "run it inside an allocation: sbatch launch/slurm.sbatch");
  const nodes = positive(env["SLURM_JOB_NUM_NODES"] ?? env["SLURM_NNODES"] ?? "1", "SLURM_JOB_NUM_NODES", "slurm");
  const head = env["ALIGN_HEAD_ADDR"] ?? hostname();
  const rdzvId = env["ALIGN_RDZV_ID"] ?? jobId;
  const srunExtra = (env["ALIGN_SRUN_ARGS"] ?? "").split(/\s+/).filter((a) => a !== "");
  const prefix = (env["ALIGN_RANK_PREFIX"] ?? "").split(/\s+/).filter((a) => a !== "");
  return {
    name: "slurm",
    ranks: ranksPerNode,
    judgeHost: nodes > 1 ? head : "127.0.0.1",
    start(stage, log) {
      // --whole: since Slurm 20.11 a step gets only the CPUs it asks for (one per task), which
      // would pin a node's torchrun and all of its ranks to one core.
      return startFanOut(stage, log, (argv, port) => [
        "srun", "--kill-on-bad-exit=1", "--wait=60", `--nodes=${nodes}`, `--ntasks=${nodes}`, "--ntasks-per-node=1", "--whole", ...srunExtra,
        ...prefix,
        ...underTorchrun(argv, torchrunArgs({ nnodes: nodes, nproc: ranksPerNode, endpoint: `${head}:${port}`, rdzvId: `${rdzvId}_${stage.stage}` })),
      ], freePort);
    },
  };
}

/** Where this node sits in a launch/torchrun.sh run (NODE_RANK, NNODES, MASTER_ADDR, MASTER_PORT). */
export interface TorchrunNode {
  readonly nodeRank: number;
  readonly nnodes: number;
  readonly addr: string;
  readonly port: number;
}

export function torchrunNode(env: Env = process.env): TorchrunNode {
  const hint = "launch/torchrun.sh sets it from NODE_RANK, NNODES, MASTER_ADDR, MASTER_PORT";
  const nodeRank = Number(need(env, "NODE_RANK", "torchrun", hint));
  const nnodes = positive(env["NNODES"] ?? "1", "NNODES", "torchrun");
  if (!Number.isInteger(nodeRank) || nodeRank < 0 || nodeRank >= nnodes) {
    throw new LauncherEnvError(`--launcher torchrun: NODE_RANK must be 0..${nnodes - 1} (NNODES ${nnodes}), got "${env["NODE_RANK"]}"`);
  }
  const addr = need(env, "MASTER_ADDR", "torchrun", hint);
  const port = positive(env["MASTER_PORT"] ?? "29500", "MASTER_PORT", "torchrun");
  return { nodeRank, nnodes, addr, port };
}

export function torchrunLauncher(ranksPerNode: number, env: Env = process.env): RankLauncher {
  const { nodeRank, nnodes, addr, port } = torchrunNode(env);
  const rdzvId = env["ALIGN_RDZV_ID"] ?? "align";
  return {
    name: "torchrun",
    ranks: ranksPerNode,
    judgeHost: nnodes > 1 ? addr : "127.0.0.1",
    start(stage, log) {
      return startFanOut(stage, log, (argv) => underTorchrun(argv, torchrunArgs({ nnodes, nproc: ranksPerNode, nodeRank, endpoint: `${addr}:${port}`, rdzvId: `${rdzvId}_${stage.stage}` })), async () => port);
    },
  };
}

export function rayLauncher(ranksPerNode: number, env: Env = process.env): RankLauncher {
  const driver = need(env, "ALIGN_RAY_DRIVER", "ray", "start the run with python launch/ray/driver.py");
  const nodes = positive(env["ALIGN_NNODES"] ?? "1", "ALIGN_NNODES", "ray");
  return {
    name: "ray",
    ranks: ranksPerNode,
    judgeHost: env["ALIGN_HEAD_ADDR"] ?? "127.0.0.1",
    start(stage, log) {
      return startFanOut(stage, log, (argv) => {
        const [python = "python3"] = argv;
        return [python, driver, "stage", `--world=${nodes * ranksPerNode}`, ...(stage.cpu ? ["--cpu"] : []), "--", ...argv];
      }, async () => 0);
    },
  };
}
