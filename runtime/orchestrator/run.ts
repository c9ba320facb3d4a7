/**
 * `align run`: a plan's stages, one worker process each, in `stage_order` (docs/run.md). The
 * judge server runs in this process while a stage that needs judges runs; finished stages are
 * skipped, interrupted ones resumed from their checkpoints, and a failure stops the run with one
 * line that says which stage failed and why, leaving every finished stage's outputs in place.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { STOP_FILE } from "../../compiler/emit/stopFile.js";
import { startJudgeServer } from "../server/index.js";
import type { JudgeServer } from "../server/index.js";
import { preflight, renderPreflight } from "../preflight/index.js";
import { ranksPerNode, stageNeedsJudges } from "./plan.js";
import type { RunPlan } from "./plan.js";
import { progressLog } from "./progress.js";
import { choosePython, PythonNotFound } from "./python.js";
import { refreshReport } from "./report.js";
import { decideStage, finishedResult, prepareStageDir } from "./state.js";
import { parseSummary, summaryLines } from "./summary.js";
import { localLauncher } from "../launch/local.js";
import type { RankLauncher, RunningStage } from "../launch/types.js";
import { findWorkerDir } from "../launch/worker.js";
import type { StageHooks } from "../program/api.js";

export interface RunOptions {
  readonly plan: RunPlan;
  /** The bytes to write as plan.json (the compiler's deterministic form); default JSON of `plan`. */
  readonly planJson?: string | undefined;
  /** The root recipe's directory: plan paths resolve against it (worker --base-dir, judges). */
  readonly recipeDir: string;
  readonly runDir: string;
  /** Run only this stage (its inputs must already be finished in runDir). */
  readonly stage?: string | undefined;
  /** Re-run stages even when finished (clears their directories first). */
  readonly restart?: boolean | undefined;
  readonly python?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Progress lines (default: stderr). */
  readonly log?: ((line: string) => void) | undefined;
  /** Forward SIGINT/SIGTERM to the worker while running (default true). */
  readonly handleSignals?: boolean | undefined;
  readonly workerDir?: string | undefined;
  /** User code before and after each stage that runs (a bundle's hooks.ts). */
  readonly hooks?: StageHooks | undefined;
  /** Starts each stage's ranks (default: `local` with `ranksPerNode(plan)` ranks). */
  readonly launcher?: RankLauncher | undefined;
  /** Pre-flight sends one request to each LLM endpoint the stages reach (default true). */
  readonly checkEndpoints?: boolean | undefined;
}

export type StageStatus = "done" | "skipped" | "failed" | "interrupted" | "not_run";

export interface StageReport {
  readonly stage: string;
  readonly status: StageStatus;
  readonly seconds?: number;
  readonly exitCode?: number | null;
  readonly note?: string;
}

export interface RunReport {
  readonly status: "done" | "failed" | "interrupted";
  readonly runDir: string;
  readonly stages: readonly StageReport[];
  /** One line: why the run did not finish (absent when it did). */
  readonly message?: string;
  /** 0 done, 1 failed, 128 + signal number when interrupted. */
  readonly exitCode: number;
}

/** A mistake in the invocation itself (unknown stage): the CLI exits 2. */
export class RunUsageError extends Error {}

/** The run could not start a stage (judge server refused to start). */
class StartFailure extends Error {}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Mutable state of one run, shared by the stage loop and the signal handlers. */
class Session {
  server: JudgeServer | undefined;
  python: string | undefined;
  worker: RunningStage | undefined;
  interrupted: NodeJS.Signals | undefined;
  readonly reports: StageReport[] = [];
  /** report.html once written (it is rewritten at the end of every stage that ran). */
  reportFile: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly planFile: string;
  readonly launcher: RankLauncher;

  constructor(readonly opts: RunOptions) {
    this.launcher = opts.launcher ?? localLauncher(ranksPerNode(opts.plan));
    this.env = opts.env ?? process.env;
    this.log = opts.log ?? progressLog(process.stderr);
    this.planFile = path.join(opts.runDir, "plan.json");
  }

  onSignal = (signal: NodeJS.Signals): void => {
    const again = this.interrupted !== undefined;
    this.interrupted = signal;
    this.log(`align run: ${signal}${again ? " again: killing the worker" : ": stopping the worker, then the judge server"}`);
    this.worker?.signal(again ? "SIGKILL" : signal);
  };
}

/** The stages to run, checking `--stage` and that its inputs exist. */
function selectStages(s: Session): string[] | RunReport {
  const { plan, stage, runDir } = s.opts;
  if (stage === undefined) return [...plan.stage_order];
  if (!Object.hasOwn(plan.stages, stage)) {
    const known = plan.stage_order.join(", ") || "(none)";
    throw new RunUsageError(`--stage ${stage}: no such stage (the recipe's stages: ${known})`);
  }
  const missing = (plan.stages[stage]?.needs ?? []).filter((n) => finishedResult(runDir, n) === undefined);
  if (missing.length === 0) return [stage];
  const message = `stage ${stage} reads the outputs of ${missing.join(", ")}, not finished in ${runDir}; ` +
    `run them first (align run without --stage runs every stage in order)`;
  return finish(s, "failed", message);
}

function finish(s: Session, status: RunReport["status"], message?: string): RunReport {
  const exitCode = status === "done" ? 0 : status === "failed" ? 1 : (SIGNAL_EXIT[s.interrupted ?? ""] ?? 130);
  return { status, runDir: s.opts.runDir, stages: s.reports, exitCode, ...(message === undefined ? {} : { message }) };
}

/** Starts the judge server on first need; it then serves every later stage too. */
async function judgeUrl(s: Session, stage: string): Promise<string | undefined> {
  if (!stageNeedsJudges(s.opts.plan, stage)) return undefined;
  if (s.server === undefined) {
    try {
      s.server = await startJudgeServer(s.opts.plan, { host: s.launcher.judgeHost ?? "127.0.0.1", port: 0, baseDir: s.opts.recipeDir, env: s.env });
    } catch (error) {
      // The registry lists every judge it cannot build, one per line.
      throw new StartFailure(`cannot start the judge server: ${(error as Error).message.replace(/\n/g, "; ")}`);
    }
    s.log(`align run: judge server at ${s.server.url}`);
  }
  return s.server.url;
}

/** One line per eval task: its pass rates, read from the stage's report.json. */
function reportLines(runDir: string, stage: string): string[] {
  try {
    const report = JSON.parse(readFileSync(path.join(runDir, stage, "report.json"), "utf8")) as {
      tasks?: Record<string, { feasible_rate?: number; pass_rate_by_judge?: Record<string, number | null> }>;
    };
    return Object.entries(report.tasks ?? {}).map(([task, r]) => {
      const judges = Object.entries(r.pass_rate_by_judge ?? {}).map(([j, v]) => `${j} ${v === null ? "n/a" : v.toFixed(3)}`);
      return `[${stage}] ${task}: feasible ${(r.feasible_rate ?? 0).toFixed(3)}${judges.length ? `, pass rate ${judges.join(", ")}` : ""}`;
    });
  } catch {
    return [];
  }
}

/** The stage's summary.json (rows, kept, verdicts per judge) as lines; none when absent. */
function stageSummaryLines(runDir: string, stage: string): string[] {
  try {
    const summary = parseSummary(JSON.parse(readFileSync(path.join(runDir, stage, "summary.json"), "utf8")));
    return summary === undefined ? [] : summaryLines(summary);
  } catch {
    return [];
  }
}

/** Runs one stage to its end; returns the failure line, or undefined when it finished. */
async function runStage(s: Session, stage: string): Promise<string | undefined> {
  const { plan, runDir, recipeDir } = s.opts;
  const action = decideStage(plan, runDir, stage, s.opts.restart === true);
  if (action.kind === "skip") {
    s.log(`align run: ${stage}: skipped (${action.why}; --restart runs it again)`);
    s.reports.push({ stage, status: "skipped", note: action.why });
    return undefined;
  }
  s.python ??= await choosePython({ python: s.opts.python, env: s.env });
  const url = await judgeUrl(s, stage);
  if (s.interrupted !== undefined) return `interrupted by ${s.interrupted} before stage ${stage}`;
  prepareStageDir(plan, runDir, stage, action.kind === "fresh" && action.clear);
  // A summary left by an earlier failed attempt must not be shown for this one.
  rmSync(path.join(runDir, stage, "summary.json"), { force: true });
  const verb = action.kind === "resume" ? "resuming" : "starting";
  s.log(`align run: ${stage} (${plan.stages[stage]?.variant}): ${verb}${action.why === "not started" ? "" : ` (${action.why})`}`);
  await s.opts.hooks?.before?.(stage);
  const started = Date.now();
  const running = s.launcher.start({
    python: s.python, workerDir: s.opts.workerDir ?? findWorkerDir(), planFile: s.planFile, stage, runDir,
    baseDir: recipeDir, judgeUrl: url, resume: action.kind === "resume", env: s.env,
    cpu: (plan.cluster?.gpus_per_node ?? 0) === 0,
  }, s.log);
  s.worker = running;
  // Each rank has its own process group: if this process exits abruptly, take them along.
  const orphanGuard = () => running.signal("SIGTERM");
  process.once("exit", orphanGuard);
  const exit = await running.exited;
  process.off("exit", orphanGuard);
  s.worker = undefined;
  const seconds = (Date.now() - started) / 1000;
  for (const line of stageSummaryLines(runDir, stage)) s.log(line);
  s.reportFile = refreshReport(runDir, recipeDir, s.log) ?? s.reportFile;
  const ok = exit.code === 0 && finishedResult(runDir, stage) !== undefined;
  await s.opts.hooks?.after?.(stage, ok);
  if (ok) {
    s.reports.push({ stage, status: "done", seconds });
    for (const line of reportLines(runDir, stage)) s.log(line);
    return undefined;
  }
  // A launcher asked the ranks to checkpoint and stop (Slurm's USR1 trap): they exit 75, which
  // torchrun passes on as 1; not a failure, and the next run resumes from that checkpoint.
  const stopped = existsSync(path.join(runDir, STOP_FILE));
  const status = s.interrupted !== undefined || stopped ? "interrupted" : "failed";
  s.reports.push({ stage, status, seconds, exitCode: exit.code });
  if (stopped && s.interrupted === undefined) return `stage ${stage} stopped: its ranks checkpointed as ${STOP_FILE} asked; run again to resume`;
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `worker exit ${exit.code}`;
  const why = exit.code === 0 ? "the worker exited 0 without writing result.json status done" : exit.failure ?? "no output";
  return `stage ${stage} ${status} (${how}): ${why}`;
}

function kept(reports: readonly StageReport[]): string {
  const names = reports.filter((r) => r.status === "done" || r.status === "skipped").map((r) => r.stage);
  return names.length > 0 ? `; finished stages kept: ${names.join(", ")}` : "";
}

/**
 * A run opened stage by stage: the generated program (docs/bundle.md) calls `stage(name)` once per
 * stage of the plan, in order, then `close()`. `runStages` is the same loop over `stage_order`.
 */
export class StageRun {
  private failure: string | undefined;
  private checked = false;
  private constructor(private readonly s: Session, private readonly selected: string[] | RunReport) {}

  /** Selects the stages (checking `--stage`), writes plan.json and takes over SIGINT/SIGTERM. */
  static open(opts: RunOptions): StageRun {
    const s = new Session(opts);
    const selected = selectStages(s);
    if (Array.isArray(selected)) {
      mkdirSync(opts.runDir, { recursive: true });
      writeFileSync(s.planFile, opts.planJson ?? `${JSON.stringify(opts.plan, null, 2)}\n`);
      if (opts.handleSignals !== false) for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, s.onSignal);
    }
    return new StageRun(s, selected);
  }

  /** Runs the stage unless it was not selected or the run already stopped; false once stopped. */
  async stage(stage: string): Promise<boolean> {
    if (!Array.isArray(this.selected) || this.failure !== undefined) return false;
    if (!this.checked) {
      this.checked = true;
      this.failure = await this.preflight(this.selected);
      if (this.failure !== undefined) return false;
    }
    if (!this.selected.includes(stage)) return true;
    try {
      const failure = await runStage(this.s, stage);
      if (failure !== undefined) this.failure = `${failure}${kept(this.s.reports)} (in ${this.s.opts.runDir})`;
    } catch (error) {
      if (!(error instanceof PythonNotFound || error instanceof StartFailure)) throw error;
      this.failure = error.message;
    }
    return this.failure === undefined;
  }

  /**
   * Before the first stage: everything the stages about to run need from this machine
   * (runtime/preflight), all problems in one report; undefined when there are none.
   */
  private async preflight(selected: readonly string[]): Promise<string | undefined> {
    const { opts } = this.s;
    const pending = selected.filter((st) => decideStage(opts.plan, opts.runDir, st, opts.restart === true).kind !== "skip");
    const check = await preflight({ plan: opts.plan, stages: pending, runDir: opts.runDir, env: this.s.env, python: opts.python, checkEndpoints: opts.checkEndpoints !== false });
    if (check.problems.length > 0) return renderPreflight(check.problems);
    this.s.python ??= check.python;
    return undefined;
  }

  /** Closes the judge server (gracefully), gives the signals back, and reports. */
  async close(): Promise<RunReport> {
    if (!Array.isArray(this.selected)) return this.selected;
    if (this.s.reportFile !== undefined) this.s.log(`align run: report in ${this.s.reportFile}`);
    try {
      await this.s.server?.close();
    } finally {
      if (this.s.opts.handleSignals !== false) for (const sig of ["SIGINT", "SIGTERM"] as const) process.off(sig, this.s.onSignal);
    }
    if (this.failure === undefined) return finish(this.s, "done");
    return finish(this.s, this.s.interrupted !== undefined ? "interrupted" : "failed", this.failure);
  }
}

/** Runs the plan's stages (or one) in order; never throws for a failing stage, only reports. */
export async function runStages(opts: RunOptions): Promise<RunReport> {
  const run = StageRun.open(opts);
  try {
    for (const stage of opts.plan.stage_order) if (!(await run.stage(stage))) break;
  } catch (error) {
    await run.close();   // the judge server and the signal handlers are released, then it throws
    throw error;
  }
  return run.close();
}
