/** The report's tables: stage summary, eval pass rates, the plan's values with provenance, the lockfile. */
import { esc } from "./escape.js";
import { barChartSvg, formatNumber } from "./svg.js";
import type { BarGroup } from "./svg.js";
import type { MetricRow, ReportPlan, RunData, StageData } from "./types.js";

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? formatNumber(v) : "");

function lastTotal(stage: StageData): MetricRow | undefined {
  return stage.metrics.filter((r) => r.task === null).at(-1);
}

/** One row per stage: its state, progress and last values. */
export function summaryTable(run: RunData): string {
  const rows = run.stages.map((s) => {
    const last = lastTotal(s);
    const steps = s.result?.["steps"] ?? last?.step;
    return `<tr class="state-${s.state.replace(" ", "-")}"><td><a href="#stage-${esc(s.name)}">${esc(s.name)}</a></td><td>${esc(s.variant)}</td>` +
      `<td>${esc(s.state)}</td><td class="num">${num(steps)}</td><td class="num">${num(s.result?.["seconds"])}</td>` +
      `<td class="num">${num(last?.["loss"])}</td><td class="num">${num(last?.["reward"])}</td><td class="num">${num(last?.["feasible"])}</td></tr>`;
  });
  return `<table class="summary"><thead><tr><th>stage</th><th>variant</th><th>state</th><th>steps</th><th>seconds</th>` +
    `<th>last loss</th><th>last reward</th><th>last feasible</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

interface EvalRow {
  readonly run: string;
  readonly stage: string;
  readonly model: string;
  readonly task: string;
  readonly samples: unknown;
  readonly rates: ReadonlyMap<string, number | null>;
}

function evalRows(runs: readonly RunData[]): EvalRow[] {
  return runs.flatMap((run, i) => run.stages.flatMap((s) => Object.entries(s.evalTasks ?? {}).map(([task, r]) => ({
    run: runs.length > 1 ? `${"AB"[i]}: ` : "",
    stage: s.name,
    model: s.model ?? "",
    task,
    samples: r.samples,
    rates: new Map<string, number | null>([["feasible", r.feasible_rate ?? null], ...Object.entries(r.pass_rate_by_judge ?? {})]),
  }))));
}

/** Eval pass rates of every eval stage in stage order (before and after training), as a table and bars. */
export function evalSection(runs: readonly RunData[]): string {
  const rows = evalRows(runs);
  if (rows.length === 0) return "";
  const columns = [...new Set(rows.flatMap((r) => [...r.rates.keys()]))];
  const head = `<tr><th>eval</th><th>model</th><th>task</th><th>samples</th>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr><td>${esc(r.run + r.stage)}</td><td>${esc(r.model)}</td><td>${esc(r.task)}</td><td class="num">${num(r.samples)}</td>` +
    columns.map((c) => `<td class="num">${num(r.rates.get(c))}</td>`).join("") + "</tr>");
  const groups: BarGroup[] = rows.map((r) => ({
    label: r.run + (r.task === r.stage ? r.stage : `${r.stage}/${r.task}`),
    bars: [...r.rates].flatMap(([name, v]) => (typeof v === "number" ? [{ name, value: Math.min(Math.max(v, 0), 1) }] : [])),
  }));
  return `<section id="evals"><h2>Eval pass rates</h2><p class="note">Feasible: every judge of the task satisfied. ` +
    `Pass rate: the fraction a judge marked satisfied. Evals are listed in stage order, so the ones before training come first.</p>` +
    `<table class="evals"><thead>${head}</thead><tbody>${body.join("")}</tbody></table>` +
    `<div class="charts"><figure class="chart" data-chart="evals"><figcaption>pass rates</figcaption>${barChartSvg("eval pass rates", groups)}</figure></div></section>`;
}

/** Leaves of a plan section as (JSON pointer, value); long strings are cut. */
function leaves(value: unknown, pointer: string, out: [string, string][]): void {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    out.push([pointer, JSON.stringify(value)]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => leaves(v, `${pointer}/${i}`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
  } else {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    out.push([pointer, text.length > 120 ? `${text.slice(0, 117)}…` : text]);
  }
}

const PLAN_SECTIONS = ["recipe", "models", "rewards", "judges", "tasks", "stages", "cluster"];

/** The plan's values with where each came from (file:line:col, or default), defaults dimmed. */
export function planSection(plan: ReportPlan): string {
  const provenance = plan.provenance ?? {};
  const parts = PLAN_SECTIONS.filter((s) => plan[s] !== undefined && plan[s] !== null).map((section) => {
    const out: [string, string][] = [];
    leaves(plan[section], `/${section}`, out);
    const set = out.filter(([p]) => provenance[p] !== undefined && provenance[p] !== "default").length;
    const rows = out.map(([p, v]) => {
      const from = provenance[p] ?? "";
      return `<tr${from === "default" ? ' class="default"' : ""}><td><code>${esc(p)}</code></td><td><code>${esc(v)}</code></td><td>${esc(from)}</td></tr>`;
    });
    return `<details${section === "stages" || section === "tasks" ? " open" : ""}><summary>${esc(section)}: ${out.length} values, ${set} set in the recipe</summary>` +
      `<table class="plan"><thead><tr><th>pointer</th><th>value</th><th>from</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
  });
  return `<section id="plan"><h2>Plan</h2><p class="note">Every value the run used; dimmed rows are defaults.</p>${parts.join("")}</section>`;
}

export function recipeSection(run: RunData): string {
  if (run.recipe === undefined) {
    return `<section id="recipe"><h2>Recipe</h2><p class="note">The recipe file ${esc(run.plan.recipe?.file ?? "")} was not found beside the run directory (align report --recipe-dir DIR).</p></section>`;
  }
  return `<section id="recipe"><h2>Recipe <code>${esc(run.recipe.file)}</code></h2><pre class="recipe">${esc(run.recipe.text)}</pre></section>`;
}

/** One collection of the lockfile as a table: a column per field the entries have, hashes cut to 16 characters. */
function entryTable(entries: readonly (readonly [string, unknown])[]): string {
  const objects = entries.map(([k, e]) => (e !== null && typeof e === "object" && !Array.isArray(e) ? (e as Record<string, unknown>) : { key: k, value: e }));
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const first = ["path", "name", "file", "key"].filter((k) => keys.includes(k));
  const columns = [...first, ...keys.filter((k) => !first.includes(k)).sort()];
  const cell = (k: string, v: unknown) => {
    const text = typeof v === "string" ? v : JSON.stringify(v) ?? "";
    return `<td><code>${esc(/sha256|hash/.test(k) ? text.slice(0, 16) : text)}</code></td>`;
  };
  return `<table class="plan"><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>` +
    objects.slice(0, 500).map((o) => `<tr>${columns.map((c) => cell(c, o[c] ?? "")).join("")}</tr>`).join("") + "</tbody></table>";
}

/** The lockfile's scalar fields and, per collection, its entries with short hashes. */
export function lockfileSection(run: RunData): string {
  if (run.lockfile === undefined) return "";
  const value = run.lockfile.value;
  if (value === null || typeof value !== "object") {
    return `<section id="lockfile"><h2>Lockfile</h2><p class="note">${esc(run.lockfile.file)}: ${esc(String(value))}</p></section>`;
  }
  const parts = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
    if (v === null || typeof v !== "object") return `<p><b>${esc(key)}</b> <code>${esc(String(v))}</code></p>`;
    const entries = Array.isArray(v) ? v.map((e, i) => [String(i), e] as const) : Object.entries(v);
    return `<details${key === "inputs" ? " open" : ""}><summary>${esc(key)}: ${entries.length} entries</summary>${entryTable(entries)}</details>`;
  });
  return `<section id="lockfile"><h2>Lockfile <code>${esc(run.lockfile.file)}</code></h2>${parts.join("")}</section>`;
}
