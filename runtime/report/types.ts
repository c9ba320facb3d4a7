/**
 * What a report is made from: the files of one run directory (docs/run.md, docs/worker.md), read
 * once into plain data. Everything after reading is a pure function of this data.
 */

/** One line of a stage's metrics.jsonl (docs/worker.md, "Metrics"). */
export interface MetricRow {
  readonly step: number;
  /** The task of a cgpo task line; null for the step's total line (and for sft/dpo). */
  readonly task: string | null;
  readonly [key: string]: unknown;
}

/** A judge's verdict on one sample, as the judge server returns it. */
export interface Verdict {
  readonly status: string;
  readonly reason?: string;
}

/** One sample row: eval or cgpo samples.jsonl, or generate/judge output.jsonl. */
export interface SampleRow {
  readonly stage: string;
  readonly task: string;
  /** The training step a cgpo sample was drawn at. */
  readonly step?: number;
  readonly prompt: string;
  readonly response: string;
  /** The reward (calibrated, for training samples). */
  readonly reward?: number;
  /** The raw reward r(s,a), when the row has both. */
  readonly rewardRaw?: number;
  readonly feasible?: boolean;
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

/** An eval stage's report.json: pass rates per task. */
export interface EvalTaskRates {
  readonly feasible_rate?: number;
  readonly pass_rate_by_judge?: Readonly<Record<string, number | null>>;
  readonly samples?: number;
}

export type StageState = "done" | "started" | "not started";

export interface StageData {
  readonly name: string;
  readonly variant: string;
  readonly state: StageState;
  /** The stage's result.json when it finished. */
  readonly result?: Readonly<Record<string, unknown>>;
  readonly metrics: readonly MetricRow[];
  /** The model an eval or generate stage used, as the plan names it. */
  readonly model?: string;
  readonly evalTasks?: Readonly<Record<string, EvalTaskRates>>;
  readonly samples: readonly SampleRow[];
  /** How many sample rows the stage wrote (more than `samples` when capped). */
  readonly samplesTotal: number;
}

/** The plan as the report reads it: any plan.json, typed loosely (old or partial plans render too). */
export interface ReportPlan {
  readonly recipe?: { readonly name?: string; readonly description?: string; readonly file?: string; readonly seed?: number };
  readonly stage_order?: readonly string[];
  readonly stages?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly provenance?: Readonly<Record<string, string>>;
  readonly [section: string]: unknown;
}

export interface RunData {
  /** How the run directory is shown (as given on the command line). */
  readonly label: string;
  readonly plan: ReportPlan;
  readonly stages: readonly StageData[];
  /** The root recipe's text, when it could be found. */
  readonly recipe?: { readonly file: string; readonly text: string };
  /** The bundle's lockfile (align.lock.json), when there is one. */
  readonly lockfile?: { readonly file: string; readonly value: unknown };
  /** Things the reader skipped, one line each (torn metrics lines, unreadable files). */
  readonly notes: readonly string[];
}
