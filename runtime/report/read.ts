/**
 * Reads a run directory into `RunData`. Works on a finished run, a failed one and one still
 * running: a torn last metrics line (the worker is writing it) or a stage not started yet is
 * normal and only noted. A directory without plan.json is not a run directory: `ReportError`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { EvalTaskRates, MetricRow, ReportPlan, RunData, SampleRow, StageData, StageState, Verdict } from "./types.js";

export class ReportError extends Error {}

export interface ReadOptions {
  /** How the run directory is shown in the report (default: the path as given). */
  readonly label?: string;
  /** Directories to look for the root recipe in, first match wins (plan `recipe.file` is relative to it). */
  readonly recipeDirs?: readonly string[];
  /** At most this many sample rows per stage are kept (default 300). */
  readonly sampleLimit?: number;
}

const LOCKFILE = "align.lock.json";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readObject(file: string): Json | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** JSON lines as objects; lines that are not JSON objects are counted, not fatal. */
export function parseJsonLines(text: string): { rows: Json[]; bad: number } {
  const rows: Json[] = [];
  let bad = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isObject(value)) rows.push(value);
      else bad += 1;
    } catch {
      bad += 1;
    }
  }
  return { rows, bad };
}

function metricRows(rows: readonly Json[]): MetricRow[] {
  return rows.flatMap((r) => {
    const step = r["step"];
    if (typeof step !== "number" || !Number.isFinite(step)) return [];
    const task = typeof r["task"] === "string" ? r["task"] : null;
    return [{ ...r, step, task }];
  });
}

function verdictsOf(value: unknown): Record<string, Verdict> {
  if (!isObject(value)) return {};
  const out: Record<string, Verdict> = {};
  for (const [judge, v] of Object.entries(value)) {
    if (typeof v === "string") out[judge] = { status: v };
    else if (isObject(v) && typeof v["status"] === "string") {
      out[judge] = typeof v["reason"] === "string" ? { status: v["status"], reason: v["reason"] } : { status: v["status"] };
    }
  }
  return out;
}

const text = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

function sampleRow(stage: string, r: Json): SampleRow {
  const reward = [r["reward"], r["reward_calibrated"], r["reward_raw"]].find((v) => typeof v === "number");
  const raw = typeof r["reward_calibrated"] === "number" && typeof r["reward_raw"] === "number" ? r["reward_raw"] : undefined;
  return {
    stage,
    task: text(r["task"] ?? r["source"] ?? stage),
    prompt: text(r["prompt"]),
    response: text(r["response"]),
    verdicts: verdictsOf(r["verdicts"]),
    ...(typeof r["step"] === "number" ? { step: r["step"] } : {}),
    ...(typeof reward === "number" ? { reward } : {}),
    ...(raw === undefined ? {} : { rewardRaw: raw }),
    ...(typeof r["feasible"] === "boolean" ? { feasible: r["feasible"] } : {}),
  };
}

function stageState(stageDir: string, result: Json | undefined): StageState {
  if (result?.["status"] === "done") return "done";
  return existsSync(stageDir) ? "started" : "not started";
}

/** The model an eval/generate stage reads, as written in the plan (`{"model": "m"}` or `{"stage": s, "output": "model"}`). */
function modelName(stage: Json): string | undefined {
  const m = stage["model"];
  if (!isObject(m)) return undefined;
  if (typeof m["model"] === "string") return m["model"];
  if (typeof m["stage"] === "string") return `${m["stage"]}.${text(m["output"] ?? "model")}`;
  return undefined;
}

function readStage(runDir: string, name: string, planStage: Json, limit: number, notes: string[]): StageData {
  const dir = path.join(runDir, name);
  const result = readObject(path.join(dir, "result.json"));
  const metricsText = readText(path.join(dir, "metrics.jsonl")) ?? "";
  const metrics = parseJsonLines(metricsText);
  if (metrics.bad > 0) notes.push(`${name}/metrics.jsonl: ${metrics.bad} line(s) not JSON, skipped (a line the worker is still writing is normal)`);
  const samplesFile = ["samples.jsonl", "output.jsonl"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const samples = samplesFile === undefined ? { rows: [], bad: 0 } : parseJsonLines(readText(samplesFile) ?? "");
  const report = readObject(path.join(dir, "report.json"));
  const evalTasks = isObject(report?.["tasks"]) ? (report["tasks"] as Record<string, EvalTaskRates>) : undefined;
  const model = modelName(planStage);
  return {
    name,
    variant: text(planStage["variant"]),
    state: stageState(dir, result),
    ...(result === undefined ? {} : { result }),
    metrics: metricRows(metrics.rows),
    ...(model === undefined ? {} : { model }),
    ...(evalTasks === undefined ? {} : { evalTasks }),
    samples: samples.rows.slice(0, limit).map((r) => sampleRow(name, r)),
    samplesTotal: samples.rows.length,
  };
}

function findRecipe(plan: ReportPlan, dirs: readonly string[]): RunData["recipe"] {
  const file = plan.recipe?.file;
  if (typeof file !== "string") return undefined;
  for (const dir of dirs) {
    const found = readText(path.join(dir, file));
    if (found !== undefined) return { file, text: found };
  }
  return undefined;
}

function findLockfile(runDir: string): RunData["lockfile"] {
  for (const file of [path.join(runDir, LOCKFILE), path.join(runDir, "bundle", LOCKFILE)]) {
    const text = readText(file);
    if (text === undefined) continue;
    try {
      return { file: path.relative(runDir, file), value: JSON.parse(text) as unknown };
    } catch {
      return { file: path.relative(runDir, file), value: `not valid JSON (${text.length} bytes)` };
    }
  }
  return undefined;
}

/**
 * The recipe's directory when the run directory has the default layout
 * `<recipe dir>/<output_dir>/<recipe name>` (docs/run.md).
 */
export function defaultRecipeDir(runDir: string, plan: ReportPlan): string | undefined {
  const out = plan.recipe && "output_dir" in plan.recipe ? (plan.recipe as { output_dir?: unknown }).output_dir : "runs";
  const name = plan.recipe?.name;
  if (typeof out !== "string" || typeof name !== "string" || path.isAbsolute(out)) return undefined;
  const tail = path.join(out, name);
  const abs = path.resolve(runDir);
  return abs.endsWith(path.sep + tail) ? abs.slice(0, abs.length - tail.length - 1) : undefined;
}

/** Reads plan.json and every stage's outputs; throws `ReportError` when there is no plan.json. */
export function readRun(runDir: string, opts: ReadOptions = {}): RunData {
  const planFile = path.join(runDir, "plan.json");
  if (!existsSync(planFile)) throw new ReportError(`${planFile}: no such file (not a run directory: align run writes plan.json first)`);
  const plan = readObject(planFile);
  if (plan === undefined) throw new ReportError(`${planFile}: not a JSON object`);
  const reportPlan = plan as ReportPlan;
  const notes: string[] = [];
  const order = Array.isArray(reportPlan.stage_order) ? reportPlan.stage_order.filter((s) => typeof s === "string") : [];
  const stages = order.map((name) => readStage(runDir, name, (reportPlan.stages?.[name] ?? {}) as Json, opts.sampleLimit ?? 300, notes));
  const fallback = defaultRecipeDir(runDir, reportPlan);
  // The bundle's copy under inputs/ is exactly what the run read (docs/bundle.md).
  const dirs = [...(opts.recipeDirs ?? []), path.join(runDir, "bundle", "inputs"), ...(fallback === undefined ? [] : [fallback])];
  const recipe = findRecipe(reportPlan, dirs);
  const lockfile = findLockfile(runDir);
  return {
    label: opts.label ?? runDir,
    plan: reportPlan,
    stages,
    ...(recipe === undefined ? {} : { recipe }),
    ...(lockfile === undefined ? {} : { lockfile }),
    notes,
  };
}
