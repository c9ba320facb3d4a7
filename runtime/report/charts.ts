/**
 * Which plots a stage gets, as data: from metrics rows to chart specs (titles, series of
 * (step, value) points). Only metrics a stage actually wrote become plots, so every plot has
 * data. With two runs (`--compare`), each series appears once per run.
 */
import type { MetricRow, StageData } from "./types.js";

export type Point = readonly [number, number];

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** 0 for the first run, 1 for the second (drawn dashed). */
  readonly run: number;
}

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly series: readonly Series[];
}

/** One plot: a title and the metrics it draws, each `[key, legend]`; `scale` converts units. */
interface ChartDef {
  readonly title: string;
  readonly keys: readonly (readonly [string, string])[];
  readonly scale?: number;
}

const MIB = 1 / 2 ** 20;

/** Plots of a step's total line (every training stage). */
const TOTAL_CHARTS: readonly ChartDef[] = [
  { title: "loss", keys: [["loss", "loss"]] },
  { title: "reward (calibrated, mean over tasks)", keys: [["reward", "reward"]] },
  { title: "feasible rate (mean over tasks)", keys: [["feasible", "feasible"]] },
  { title: "learning rate", keys: [["lr", "lr"]] },
  { title: "gradient norm (before clipping)", keys: [["grad_norm", "grad norm"]] },
  { title: "tokens / s", keys: [["tokens_per_s", "tokens/s"]] },
  { title: "step time (s)", keys: [["step_time_s", "seconds"]] },
  { title: "peak memory (MiB)", keys: [["peak_memory_bytes", "MiB"]], scale: MIB },
];

/** Plots of one cgpo task's lines. Feasibility per judge is added from the lines themselves. */
const TASK_CHARTS: readonly ChartDef[] = [
  { title: "loss", keys: [["loss", "loss"]] },
  { title: "reward", keys: [["reward_raw_mean", "raw"], ["reward_calibrated_mean", "calibrated"]] },
  { title: "KL gate", keys: [["kl_gate_zero_rate", "zero rate"], ["kl_gate_mean", "mean gate"]] },
  { title: "log π − log π_ref per sample", keys: [["log_ratio_mean", "mean"], ["log_ratio_min", "min"], ["log_ratio_max", "max"]] },
  { title: "skipped", keys: [["skipped_prompts", "prompts"], ["skipped_samples", "samples"]] },
  { title: "judge errors", keys: [["judge_errors", "errors"]] },
  { title: "response tokens (mean)", keys: [["response_tokens_mean", "tokens"]] },
  { title: "|advantage| (mean)", keys: [["advantage_abs_mean", "|A|"]] },
  { title: "CODPO pairs", keys: [["pairs", "pairs"]] },
  { title: "CRRAFT fallbacks and KL-filtered samples", keys: [["baseline_fallbacks", "baseline fallbacks"], ["kl_filtered_samples", "KL-filtered"]] },
];

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function pointsOf(rows: readonly MetricRow[], pick: (row: MetricRow) => unknown, scale = 1): Point[] {
  return rows.flatMap((r) => {
    const v = pick(r);
    return finite(v) ? [[r.step, v * scale] as const] : [];
  });
}

/** The judges named in any line's `feasible_rate_by_judge`, sorted. */
function judgesOf(rows: readonly MetricRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) {
    const by = r["feasible_rate_by_judge"];
    if (by !== null && typeof by === "object") for (const j of Object.keys(by)) names.add(j);
  }
  return [...names].sort();
}

function feasibilityDef(rows: readonly MetricRow[]): ChartDef & { readonly judges: readonly string[] } {
  return { title: "feasibility (overall and per judge)", keys: [["feasible_rate", "overall"]], judges: judgesOf(rows) };
}

function seriesOf(def: ChartDef, runs: readonly (readonly MetricRow[])[]): Series[] {
  const judges = "judges" in def ? (def as { judges: readonly string[] }).judges : [];
  const suffix = (run: number) => (runs.length > 1 ? ` (${"AB"[run]})` : "");
  return runs.flatMap((rows, run) => [
    ...def.keys.map(([key, name]) => ({ name: name + suffix(run), run, points: pointsOf(rows, (r) => r[key], def.scale) })),
    ...judges.map((j) => ({
      name: j + suffix(run),
      run,
      points: pointsOf(rows, (r) => (r["feasible_rate_by_judge"] as Record<string, unknown> | undefined)?.[j]),
    })),
  ]).filter((s) => s.points.length > 0);
}

function chartsFor(prefix: string, defs: readonly ChartDef[], runs: readonly (readonly MetricRow[])[]): Chart[] {
  return defs.flatMap((def, i) => {
    const series = seriesOf(def, runs);
    return series.length === 0 ? [] : [{ id: `${prefix}/${i}`, title: def.title, series }];
  });
}

/** The tasks of a stage's metrics, in first-seen order. */
export function tasksOf(stages: readonly (StageData | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const s of stages) for (const r of s?.metrics ?? []) if (r.task !== null) seen.add(r.task);
  return [...seen];
}

export interface StageCharts {
  readonly total: readonly Chart[];
  readonly tasks: readonly { readonly task: string; readonly charts: readonly Chart[] }[];
}

/** The plots of one stage, for one run or the same stage of two runs overlaid. */
export function stageCharts(stage: string, runs: readonly (StageData | undefined)[]): StageCharts {
  const rowsOf = (task: string | null) => runs.map((s) => (s?.metrics ?? []).filter((r) => r.task === task));
  const total = chartsFor(`${stage}/total`, TOTAL_CHARTS, rowsOf(null));
  const tasks = tasksOf(runs).map((task) => {
    const rows = rowsOf(task);
    const defs = [TASK_CHARTS[0]!, TASK_CHARTS[1]!, feasibilityDef(rows.flat()), ...TASK_CHARTS.slice(2)];
    return { task, charts: chartsFor(`${stage}/${task}`, defs, rows) };
  });
  return { total, tasks };
}
