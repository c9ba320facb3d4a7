/**
 * The runtime a bundle's generated program calls (`openProgram`, `runIfMain`; types in api.ts).
 * align build bundles this module and everything it imports into one file,
 * `runtime/align-runtime.js`, which runs with node alone. Opening a run: parse the flags,
 * verify the inputs against align.lock.json, check the environment, lock the run directory,
 * then hand the stages to the orchestrator with the chosen rank launcher. On a node other than
 * 0 of a multi-node torchrun run, the program follows node 0 instead (follower.ts).
 */
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LauncherEnvError, torchrunNode } from "../launch/cluster.js";
import type { TorchrunNode } from "../launch/cluster.js";
import { coordinatorPort, startLeader } from "../launch/coordinator.js";
import type { Leader } from "../launch/coordinator.js";
import { LAUNCHERS } from "../launch/index.js";
import type { RankLauncher } from "../launch/types.js";
import { ranksPerNode } from "../orchestrator/plan.js";
import { RunUsageError, StageRun } from "../orchestrator/run.js";
import type { RunPlan } from "../orchestrator/plan.js";
import type { RunReport } from "../orchestrator/run.js";
import { missingEnvLine } from "../preflight/env.js";
import type { OpenProgram, Program, ProgramOptions, RunIfMain } from "./api.js";
import { ArgsError, parseArgs, USAGE } from "./args.js";
import type { ProgramArgs } from "./args.js";
import { openFollower } from "./follower.js";
import { lockRunDir, RunDirInUse } from "./lock.js";
import { driftLine, LockfileError, readLockfile, verifyBundle } from "./verify.js";

export type { OpenProgram, Program, ProgramOptions, RunIfMain, StageHooks } from "./api.js";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** `runs/tiny` rather than an absolute path when the directory is below the cwd. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : dir;
}

export function summaryLine(report: RunReport): string {
  const parts = report.stages.map((s) => (s.status === "skipped" ? `${s.stage} skipped` : `${s.stage} ${s.status} ${(s.seconds ?? 0).toFixed(1)}s`));
  return `align run: done (${parts.join(", ") || "no stages"}); outputs in ${shown(report.runDir)}`;
}

/** Refuses a bundle whose inputs changed since align build, unless --allow-drift (then says so). */
function inputsUnchanged(bundleDir: string, baseDir: string, args: ProgramArgs): boolean {
  const lock = readLockfile(bundleDir);
  const drift = verifyBundle(lock, bundleDir, baseDir);
  if (drift.length === 0) return true;
  for (const d of drift) say(`align run: changed: ${driftLine(d)}`);
  const n = `${drift.length} file${drift.length === 1 ? "" : "s"}`;
  if (args.allowDrift) {
    say(`align run: --allow-drift: running although ${n} differ from align.lock.json`);
    return true;
  }
  say(`align run: ${n} differ from the bundle's align.lock.json; rebuild with align build, or pass --allow-drift to run anyway`);
  return false;
}

/**
 * Node 0 of a multi-node launch/torchrun.sh run leads the other nodes (runtime/launch/coordinator.ts):
 * each stage its launcher starts is published, then the run's end.
 */
async function leadNodes(node: TorchrunNode): Promise<Leader> {
  const port = coordinatorPort(process.env, node.port);
  let leader: Leader;
  try {
    leader = await startLeader(node.addr, port, node.nnodes - 1);
  } catch (error) {
    throw new LauncherEnvError(`${(error as Error).message} (ALIGN_COORD_PORT picks another port, the same on every node)`);
  }
  say(`align run: node 0 of ${node.nnodes}: the other nodes follow at ${leader.url}`);
  return leader;
}

function publishing(launcher: RankLauncher, leader: Leader): RankLauncher {
  return {
    ...launcher,
    start(stage, log) {
      leader.publish({ kind: "stage", stage: stage.stage, judgeUrl: stage.judgeUrl, resume: stage.resume });
      return launcher.start(stage, log);
    },
  };
}

/** Seconds a follower waits for node 0's coordinator to answer at all (ALIGN_FOLLOW_TIMEOUT). */
function followTimeoutMs(): number {
  const given = process.env["ALIGN_FOLLOW_TIMEOUT"];
  const seconds = given === undefined || given === "" ? 900 : Number(given);
  if (!(seconds > 0)) throw new LauncherEnvError(`ALIGN_FOLLOW_TIMEOUT must be a number of seconds, got "${given}"`);
  return seconds * 1000;
}

async function open(options: ProgramOptions): Promise<Program | number> {
  const args = parseArgs(options.argv ?? process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bundleDir = path.dirname(fileURLToPath(options.programUrl));
  const makeLauncher = LAUNCHERS[args.launcher];
  if (makeLauncher === undefined) throw new ArgsError(`--launcher ${args.launcher}: unknown (known: ${Object.keys(LAUNCHERS).join(", ")})`);
  const node = args.launcher === "torchrun" ? torchrunNode() : undefined;
  // Node 0 starts leading first, so the other nodes learn of a run that cannot even start.
  const leader = node !== undefined && node.nodeRank === 0 && node.nnodes > 1 ? await leadNodes(node) : undefined;
  let program: Program | number;
  try {
    program = prepare(options, args, bundleDir, makeLauncher, node, leader);
  } catch (error) {
    program = expected(error) ?? -1;
    if (program === -1) {
      await endLeading(leader, 70, `internal error: ${(error as Error).message}`);
      throw error;
    }
  }
  if (typeof program === "number") await endLeading(leader, program, "it could not start the run (its log says why)");
  return program;
}

async function endLeading(leader: Leader | undefined, code: number, message: string | undefined): Promise<void> {
  if (leader === undefined) return;
  leader.publish({ kind: "end", code, message: code === 0 ? undefined : message });
  await leader.close();
}

function prepare(options: ProgramOptions, args: ProgramArgs, bundleDir: string, makeLauncher: (ranks: number) => RankLauncher,
  node: TorchrunNode | undefined, leader: Leader | undefined): Program | number {
  const baseDir = path.resolve(args.baseDir ?? path.join(bundleDir, "inputs"));
  if (!inputsUnchanged(bundleDir, baseDir, args)) return 1;
  const planJson = readFileSync(path.join(bundleDir, "plan.json"), "utf8");
  const plan = JSON.parse(planJson) as RunPlan;
  const missing = missingEnvLine(readLockfile(bundleDir).env, process.env);
  if (missing !== undefined) {
    say(`align run: ${missing}`);
    return 1;
  }
  const runDir = path.resolve(args.runDir ?? path.dirname(bundleDir));
  const launcher = makeLauncher(ranksPerNode(plan));
  const workerDir = path.join(bundleDir, "worker");
  if (node !== undefined && node.nodeRank > 0) {
    return openFollower({
      nodeRank: node.nodeRank, leaderUrl: `http://${node.addr.includes(":") ? `[${node.addr}]` : node.addr}:${coordinatorPort(process.env, node.port)}`,
      connectTimeoutMs: followTimeoutMs(), launcher, python: args.python, say,
      invocation: { workerDir, planFile: path.join(runDir, "plan.json"), runDir, baseDir, env: process.env, cpu: (plan.cluster?.gpus_per_node ?? 0) === 0 },
    });
  }
  const release = lockRunDir(ensureDir(runDir), say);
  let run: StageRun;
  try {
    run = StageRun.open({
      plan, planJson, recipeDir: baseDir, runDir, stage: args.stage, restart: args.restart, python: args.python,
      workerDir, launcher: leader === undefined ? launcher : publishing(launcher, leader), hooks: options.hooks,
      checkEndpoints: !args.noEndpointCheck,
    });
  } catch (error) {
    release();
    throw error;
  }
  return {
    stage: (name) => run.stage(name),
    async close() {
      let code = 70;
      let message: string | undefined = "internal error while closing the run";
      try {
        const report = await run.close();
        if (report.status === "done") process.stdout.write(`${summaryLine(report)}\n`);
        else say(`align run: ${report.message ?? report.status}`);
        code = report.exitCode;
        message = report.message ?? report.status;
        return report.exitCode;
      } finally {
        release();
        await endLeading(leader, code, message);
      }
    },
  };
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The one line of an expected failure, with its exit code; anything else is a bug and throws. */
function expected(error: unknown): number | undefined {
  if (error instanceof ArgsError || error instanceof RunUsageError) {
    say(`align run: ${error.message}`);
    if (error instanceof ArgsError) say(USAGE);
    return 2;
  }
  if (error instanceof LockfileError || error instanceof RunDirInUse || error instanceof LauncherEnvError) {
    say(`align run: ${error.message}`);
    return 1;
  }
  return undefined;
}

export const openProgram: OpenProgram = async (options) => {
  try {
    return await open(options);
  } catch (error) {
    const code = expected(error);
    if (code === undefined) throw error;
    return code;
  }
};

export const runIfMain: RunIfMain = (programUrl, main) => {
  const script = process.argv[1];
  if (script === undefined) return;
  let started: string;
  try {
    started = pathToFileURL(realpathSync(script)).href;
  } catch {
    return;
  }
  if (started !== pathToFileURL(realpathSync(fileURLToPath(programUrl))).href) return;
  main().then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    say(`align run: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 70;
  });
};
