/**
 * The runtime a bundle's generated program calls (`openProgram`, `runIfMain`; types in api.ts).
 * align build bundles this module and everything it imports into one file,
 * `runtime/align-runtime.js`, which runs with node alone. Opening a run: parse the flags,
 * verify the inputs against align.lock.json, check the environment, lock the run directory,
 * then hand the stages to the orchestrator with the chosen rank launcher.
 */
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LauncherEnvError } from "../launch/cluster.js";
import { LAUNCHERS } from "../launch/index.js";
import { ranksPerNode } from "../orchestrator/plan.js";
import { RunUsageError, StageRun } from "../orchestrator/run.js";
import type { RunPlan } from "../orchestrator/plan.js";
import type { RunReport } from "../orchestrator/run.js";
import { missingEnvLine } from "../preflight/env.js";
import type { OpenProgram, Program, ProgramOptions, RunIfMain } from "./api.js";
import { ArgsError, parseArgs, USAGE } from "./args.js";
import type { ProgramArgs } from "./args.js";
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

interface Opened {
  readonly run: StageRun;
  readonly release: () => void;
}

function open(options: ProgramOptions): Opened | number {
  const args = parseArgs(options.argv ?? process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bundleDir = path.dirname(fileURLToPath(options.programUrl));
  const makeLauncher = LAUNCHERS[args.launcher];
  if (makeLauncher === undefined) throw new ArgsError(`--launcher ${args.launcher}: unknown (known: ${Object.keys(LAUNCHERS).join(", ")})`);
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
  const release = lockRunDir(ensureDir(runDir), say);
  try {
    const run = StageRun.open({
      plan, planJson, recipeDir: baseDir, runDir, stage: args.stage, restart: args.restart, python: args.python,
      workerDir: path.join(bundleDir, "worker"), launcher: makeLauncher(ranksPerNode(plan)), hooks: options.hooks,
      checkEndpoints: !args.noEndpointCheck,
    });
    return { run, release };
  } catch (error) {
    release();
    throw error;
  }
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
  let opened: Opened | number;
  try {
    opened = open(options);
  } catch (error) {
    const code = expected(error);
    if (code === undefined) throw error;
    return code;
  }
  if (typeof opened === "number") return opened;
  const { run, release } = opened;
  const program: Program = {
    stage: (name) => run.stage(name),
    async close() {
      try {
        const report = await run.close();
        if (report.status === "done") process.stdout.write(`${summaryLine(report)}\n`);
        else say(`align run: ${report.message ?? report.status}`);
        return report.exitCode;
      } finally {
        release();
      }
    },
  };
  return program;
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
