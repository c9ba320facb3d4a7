/**
 * The mixture of judges (CGPO §4, arXiv 2409.20370): for one task, run every judge on every sample
 * (respecting scopes) and combine the verdicts into feasibility.
 *
 * A sample is feasible iff every in-scope judge is satisfied, where an `error` verdict is read
 * through the judge's on_error policy: `violated` (default) and `satisfied` count as that;
 * `skip_sample` sets the sample's `skip` flag (the worker drops it from the loss) and the sample
 * is not feasible, because a judge that could not decide never vouches for it. Out-of-scope
 * judges report `skipped` and do not count.
 *
 * Judges run concurrently through server-wide bounded pools, one per lane: code execution has
 * its own small pool (each run is a sandboxed process), LLM calls their own wide one (they
 * wait on the network; each LLM judge also has its own `concurrency`), everything else shares
 * the default pool.
 */
import { availableParallelism } from "node:os";
import { judgeScope, onErrorPolicy } from "./plan-config.js";
import type { JudgePlan, OnErrorPolicy } from "./plan-config.js";
import { judgeUnits } from "./units.js";
import { isThenable, Pool } from "./pool.js";
import type { Judge, JudgeContext, Judgement, Sample, VerdictStatus } from "./types.js";

export type Lane = "default" | "code" | "io";
export type MojStatus = VerdictStatus | "skipped";

export interface TaskJudge {
  readonly name: string;
  readonly judge: Judge;
  readonly onError: OnErrorPolicy;
  /** Prompt sources (dataset names) the judge applies to; null = all of the task's. */
  readonly scope: readonly string[] | null;
  /** Set for a reward-only judge (`reward = judge(j)`): reported, never decides feasibility. */
  readonly rewardOnly?: true;
}

export interface TaskRuntime {
  readonly name: string;
  readonly judges: readonly TaskJudge[];
}

export interface MojVerdict {
  readonly status: MojStatus;
  readonly reason: string;
  readonly detail?: string;
  readonly latencyMs: number;
}

export interface SampleResult {
  readonly feasible: boolean;
  readonly skip: boolean;
  /** Per judge name, in the task's judge order. */
  readonly verdicts: Readonly<Record<string, MojVerdict>>;
}

export type MojPools = Readonly<Record<Lane, Pool>>;

export interface PoolSizes {
  readonly default?: number;
  readonly code?: number;
  readonly io?: number;
}

export function createPools(sizes: PoolSizes = {}): MojPools {
  const cores = availableParallelism();
  return {
    default: new Pool(sizes.default ?? 32),
    code: new Pool(sizes.code ?? Math.max(1, Math.floor(cores / 2))),
    io: new Pool(sizes.io ?? 256),
  };
}

export function laneOf(judge: Judge): Lane {
  if (judge.variant === "code_tests") return "code";
  if (judge.variant === "llm_judge") return "io";
  return "default";
}

/**
 * Everything the server judges for (units.ts: every task, and every stage that judges rows)
 * with its judges resolved against already-built judge instances.
 */
export function buildTasks(plan: JudgePlan, judges: ReadonlyMap<string, Judge>, only?: readonly string[]): Map<string, TaskRuntime> {
  const tasks = new Map<string, TaskRuntime>();
  for (const unit of judgeUnits(plan)) {
    if (only !== undefined && !only.includes(unit.name)) continue;
    const entry = (name: string, rewardOnly: boolean): TaskJudge => {
      const judge = judges.get(name);
      const config = plan.judges[name];
      if (judge === undefined || config === undefined) throw new Error(`${unit.name}: judge ${name} was not built`);
      const base = { name, judge, onError: onErrorPolicy(config), scope: judgeScope(config) };
      return rewardOnly ? { ...base, rewardOnly: true } : base;
    };
    const taskJudges = [...unit.constraints.map((name) => entry(name, false)), ...unit.rewardOnly.map((name) => entry(name, true))];
    tasks.set(unit.name, { name: unit.name, judges: taskJudges });
  }
  return tasks;
}

/** Samples judged between two yields to the event loop. */
const YIELD_EVERY = 256;

export interface BatchOptions {
  readonly signal?: AbortSignal;
}

/**
 * Judge a batch: results in sample order, every (sample, judge) pair run once. Synchronous
 * judges (the rule judges) complete without a promise when their pool has room, which keeps
 * the per-verdict overhead to a function call.
 */
export async function judgeBatch(
  task: TaskRuntime,
  samples: readonly Sample[],
  pools: MojPools,
  options: BatchOptions = {},
): Promise<SampleResult[]> {
  const results = new Array<SampleResult>(samples.length);
  const waits: Array<PromiseLike<void>> = [];
  for (let index = 0; index < samples.length; index += 1) {
    // Let other connections in between slices of a big batch of synchronous judges.
    if (index > 0 && index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    const result = judgeSample(task, samples[index] as Sample, pools, options.signal);
    if (isThenable(result)) waits.push(result.then((done) => void (results[index] = done)));
    else results[index] = result;
  }
  await Promise.all(waits);
  return results;
}

function judgeSample(task: TaskRuntime, sample: Sample, pools: MojPools, signal?: AbortSignal): SampleResult | Promise<SampleResult> {
  const verdicts = task.judges.map((entry) => runOne(entry, sample, pools, signal));
  if (!verdicts.some(isThenable)) return combine(task.judges, verdicts as MojVerdict[]);
  return Promise.all(verdicts).then((done) => combine(task.judges, done));
}

/** Feasibility and skip from per-judge verdicts (same order as `judges`). */
export function combine(judges: readonly TaskJudge[], verdicts: readonly MojVerdict[]): SampleResult {
  let feasible = true;
  let skip = false;
  const byName: Record<string, MojVerdict> = {};
  judges.forEach((entry, index) => {
    const verdict = verdicts[index] as MojVerdict;
    byName[entry.name] = verdict;
    if (entry.rewardOnly) return;
    const effective = verdict.status === "error" ? entry.onError : verdict.status;
    if (effective === "skip_sample") skip = true;
    if (effective !== "satisfied" && effective !== "skipped") feasible = false;
  });
  return { feasible, skip, verdicts: byName };
}

export function inScope(entry: TaskJudge, sample: Sample): boolean | "unknown" {
  if (entry.scope === null) return true;
  if (sample.source === undefined) return "unknown";
  return entry.scope.includes(sample.source);
}

function runOne(entry: TaskJudge, sample: Sample, pools: MojPools, signal?: AbortSignal): MojVerdict | Promise<MojVerdict> {
  const scoped = inScope(entry, sample);
  if (scoped === false) return { status: "skipped", reason: "out_of_scope", latencyMs: 0 };
  if (scoped === "unknown") {
    // Guessing either way is wrong: running a judge meant for other data, or silently not
    // running a constraint. An error lets the judge's on_error policy decide.
    return { status: "error", reason: "source_unknown", detail: `the judge is scoped to ${entry.scope?.join(", ")}; the sample has no source`, latencyMs: 0 };
  }
  return pools[laneOf(entry.judge)].runEager(() => evaluateTimed(entry.judge, sample, signal));
}

const NO_CONTEXT: JudgeContext = Object.freeze({});

/** Run one judge on one sample; latency excludes the time spent waiting for a pool slot. */
export function evaluateTimed(judge: Judge, sample: Sample, signal?: AbortSignal): MojVerdict | Promise<MojVerdict> {
  if (signal?.aborted === true) return { status: "error", reason: "aborted", latencyMs: 0 };
  const started = performance.now();
  let outcome: Judgement | Promise<Judgement>;
  try {
    outcome = judge.evaluate(sample, signal === undefined ? NO_CONTEXT : { signal });
  } catch (error) {
    return finish(thrown(error), started);
  }
  if (!isThenable(outcome)) return finish(outcome, started);
  return Promise.resolve(outcome).then(
    (judgement) => finish(judgement, started),
    (error: unknown) => finish(thrown(error), started),
  );
}

function finish(judgement: Judgement, started: number): MojVerdict {
  const latencyMs = performance.now() - started;
  if (!isJudgement(judgement)) return { status: "error", reason: "invalid_judgement", latencyMs };
  const { status, reason, detail } = judgement;
  return detail === undefined ? { status, reason, latencyMs } : { status, reason, detail, latencyMs };
}

function thrown(error: unknown): Judgement {
  return { status: "error", reason: "judge_threw", detail: describe(error) };
}

function isJudgement(value: unknown): value is Judgement {
  const candidate = value as { status?: unknown; reason?: unknown } | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    (candidate.status === "satisfied" || candidate.status === "violated" || candidate.status === "error") &&
    typeof candidate.reason === "string"
  );
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
