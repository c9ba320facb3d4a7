/**
 * `align judge RECIPE --task T --input samples.jsonl [--out scored.jsonl]`: score a JSONL file
 * offline with one task's mixture of judges, so a user can test a MoJ before spending GPU hours.
 *
 * cli/main.ts compiles the recipe (the CLI is the only place that wires compiler and runtime)
 * and passes the plan here, or passes `--plan plan.json` through as a path.
 *
 * Robustness: a malformed line is reported with its line number, counted and skipped; scored
 * rows are written batch by batch as they are judged, so an interrupted run keeps its work.
 */
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from "node:fs";
import type { WriteStream } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { buildTasks, createPools, judgeBatch } from "../judges/moj.js";
import type { PoolSizes, SampleResult, TaskRuntime } from "../judges/moj.js";
import type { JudgeFactoryContext, JudgePlan } from "../judges/plan-config.js";
import { createJudges, defaultFactoryContext, judgesUsedByTasks } from "../judges/registry.js";
import type { Judge, Sample } from "../judges/types.js";
import { SandboxPool } from "../sandbox/index.js";
import { toWireVerdict } from "../server/response.js";
import { parseInputLine } from "./input.js";
import { createProgress } from "./progress.js";
import type { Progress, ProgressMode, ProgressStream } from "./progress.js";
import { topReasons } from "../judges/reasons.js";
import { judgeUnits } from "../judges/units.js";
import { everyVerdictErred, renderTable, Tally } from "./summary.js";
import type { JudgeSummary, RunTotals } from "./summary.js";

export interface JudgeCommandOptions {
  /** The plan (the compiler's `Plan` fits), or the path of a plan.json. */
  readonly plan: JudgePlan | string;
  /** The task whose mixture of judges scores the samples; or, instead, `stage`. */
  readonly task?: string;
  /** A generate/judge/eval stage whose own judges (`judges`, `keep`) score the samples. */
  readonly stage?: string;
  /** JSONL of samples. */
  readonly input: string;
  /** Scored JSONL: each input row plus `verdicts`, `feasible`, `skip`. */
  readonly out?: string;
  /** Where relative plan paths resolve (the recipe's directory); default: the plan.json's directory, else cwd. */
  readonly baseDir?: string;
  /** On-disk LLM reply cache; default none. */
  readonly cacheDir?: string | null;
  /** Samples judged together; default 256. */
  readonly batchSize?: number;
  /** auto: a bar on a terminal, periodic lines otherwise. */
  readonly progress?: ProgressMode;
  readonly progressIntervalMs?: number;
  readonly stdout?: ProgressStream;
  readonly stderr?: ProgressStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly pools?: PoolSizes;
  /** Prebuilt judges by name (tests); default: built from the plan. */
  readonly judges?: ReadonlyMap<string, Judge>;
}

export interface JudgeCommandResult {
  /** 0: every line scored; 1: finished, but some lines were malformed or every verdict was an error. */
  readonly exitCode: 0 | 1;
  readonly judges: readonly JudgeSummary[];
  readonly totals: RunTotals;
}

/** A usage problem (unknown task, unreadable plan or input): cli/main.ts prints it, exit 2. */
export class JudgeCommandError extends Error {
  readonly exitCode = 2;
}

export async function runJudgeCommand(options: JudgeCommandOptions): Promise<JudgeCommandResult> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const plan = loadPlan(options.plan);
  const taskRuntime = await prepareTask(plan, options);
  const totalBytes = inputSize(options.input);
  const out = options.out === undefined ? null : openOutput(options.out);
  const progress = createProgress({
    mode: options.progress ?? "auto",
    stream: stderr,
    totalBytes,
    ...(options.progressIntervalMs === undefined ? {} : { lineIntervalMs: options.progressIntervalMs }),
  });
  const tally = new Tally(taskRuntime.task.judges.map((entry) => entry.name));
  try {
    await scoreFile(options, taskRuntime, tally, out, progress, stderr);
  } finally {
    if (out !== null) await closeStream(out);
  }
  progress.done(tally.scored);
  const { judges, totals } = tally.summary();
  stdout.write(renderTable(judges, totals));
  const erred = everyVerdictErred(judges);
  if (erred) {
    const why = judges.filter((j) => j.error > 0).map((j) => `${j.judge}: ${topReasons(j.errorReasons)}`).join("; ");
    stderr.write(`align judge: every verdict was an error (${why}); nothing was scored\n`);
  }
  return { exitCode: totals.malformed > 0 || erred ? 1 : 0, judges, totals };
}

function loadPlan(plan: JudgePlan | string): JudgePlan {
  if (typeof plan !== "string") return plan;
  try {
    return JSON.parse(readFileSync(plan, "utf8")) as JudgePlan;
  } catch (error) {
    throw new JudgeCommandError(`cannot read plan ${plan}: ${(error as Error).message}`);
  }
}

interface PreparedTask {
  readonly task: TaskRuntime;
  readonly pools: ReturnType<typeof createPools>;
}

/** The judging unit to score with: a task, or a stage with judges of its own. */
function unitName(plan: JudgePlan, options: JudgeCommandOptions): string {
  if ((options.task === undefined) === (options.stage === undefined)) throw new JudgeCommandError("pass exactly one of --task and --stage");
  if (options.task !== undefined) {
    if (plan.tasks[options.task] !== undefined) return options.task;
    throw new JudgeCommandError(`no task ${JSON.stringify(options.task)} in the plan (tasks: ${Object.keys(plan.tasks).join(", ") || "none"})`);
  }
  const stage = options.stage as string;
  const judged = judgeUnits(plan).map((u) => u.name).filter((name) => plan.tasks[name] === undefined);
  if (judged.includes(stage)) return stage;
  throw new JudgeCommandError(`no stage ${JSON.stringify(stage)} with judges of its own in the plan (such stages: ${judged.join(", ") || "none"}; a task's judges: --task)`);
}

async function prepareTask(plan: JudgePlan, options: JudgeCommandOptions): Promise<PreparedTask> {
  const unit = unitName(plan, options);
  const pools = createPools(options.pools);
  let judges = options.judges;
  if (judges === undefined) {
    try {
      judges = await createJudges(plan, factoryContext(plan, options, pools.code.size), judgesUsedByTasks(plan, [unit]));
    } catch (error) {
      throw new JudgeCommandError((error as Error).message);
    }
  }
  return { task: buildTasks(plan, judges, [unit]).get(unit)!, pools };
}

function factoryContext(plan: JudgePlan, options: JudgeCommandOptions, codeSlots: number): JudgeFactoryContext {
  const baseDir = options.baseDir ?? (typeof options.plan === "string" ? dirname(resolve(options.plan)) : process.cwd());
  return defaultFactoryContext(plan, {
    baseDir,
    cacheDir: options.cacheDir ?? null,
    sandboxPool: new SandboxPool({ concurrency: codeSlots }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}

/** Fail now, as a usage error, if the output cannot be created (not mid-run as a stream error). */
function openOutput(path: string): WriteStream {
  try {
    writeFileSync(path, "");
  } catch (error) {
    throw new JudgeCommandError(`cannot write ${path}: ${(error as Error).message}`);
  }
  const stream = createWriteStream(path, { flags: "w" });
  // A later failure (disk full) is rethrown by the next write; keep Node from crashing on it.
  stream.on("error", () => undefined);
  return stream;
}

function inputSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new JudgeCommandError(`cannot read input ${path}: ${(error as Error).message}`);
  }
}

interface Pending {
  readonly rows: Array<Readonly<Record<string, unknown>>>;
  readonly samples: Sample[];
}

async function scoreFile(
  options: JudgeCommandOptions,
  prepared: PreparedTask,
  tally: Tally,
  out: WriteStream | null,
  progress: Progress,
  stderr: ProgressStream,
): Promise<void> {
  const batchSize = options.batchSize ?? 256;
  const lines = createInterface({ input: createReadStream(options.input), crlfDelay: Infinity });
  let pending: Pending = { rows: [], samples: [] };
  let lineNumber = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.samples.length === 0) return;
    const results = await judgeBatch(prepared.task, pending.samples, prepared.pools);
    await writeScored(out, pending.rows, results);
    for (const result of results) tally.add(result);
    pending = { rows: [], samples: [] };
    progress.update(tally.scored, bytes);
  };
  for await (const line of lines) {
    lineNumber += 1;
    bytes += Buffer.byteLength(line) + 1;
    const parsed = parseInputLine(line);
    if (parsed.kind === "blank") continue;
    if (parsed.kind === "malformed") {
      tally.malformed();
      stderr.write(`${options.input}:${lineNumber}: skipped: ${parsed.message}\n`);
      continue;
    }
    pending.rows.push(parsed.row);
    pending.samples.push(parsed.sample);
    if (pending.samples.length >= batchSize) await flush();
  }
  await flush();
}

async function writeScored(
  out: WriteStream | null,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  results: readonly SampleResult[],
): Promise<void> {
  if (out === null) return;
  const text = results
    .map((result, index) => {
      const verdicts = Object.fromEntries(Object.entries(result.verdicts).map(([name, verdict]) => [name, toWireVerdict(verdict, true)]));
      return `${JSON.stringify({ ...rows[index], verdicts, feasible: result.feasible, skip: result.skip })}\n`;
    })
    .join("");
  if (out.errored !== null) throw new Error(`cannot write the scored output: ${out.errored.message}`);
  if (!out.write(text)) await Promise.race([once(out, "drain"), once(out, "error").then(([error]) => Promise.reject(error as Error))]);
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored !== null) return resolve();
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}

export { renderTable } from "./summary.js";
export type { JudgeSummary, RunTotals } from "./summary.js";
export type { ProgressMode } from "./progress.js";
