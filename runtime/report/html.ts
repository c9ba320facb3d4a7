/**
 * The report page: one self-contained HTML string (inline CSS, inline SVG plots, one small
 * script for the sample browser), nothing fetched, so it opens from file:// and can be mailed.
 * The bytes depend only on the run's files: no clock, no absolute paths beyond the label.
 */
import { stageCharts } from "./charts.js";
import type { Chart } from "./charts.js";
import { esc } from "./escape.js";
import { samplesSection } from "./samples.js";
import { evalSection, lockfileSection, planSection, recipeSection, summaryTable } from "./sections.js";
import { legendHtml, lineChartSvg } from "./svg.js";
import type { RunData, StageData } from "./types.js";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header{background:#1b2a3a;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
nav{padding:6px 24px;background:#eef1f4;position:sticky;top:0;z-index:1}nav a{margin-right:14px;color:#1b4f8a;text-decoration:none}
main{padding:8px 24px 40px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}h3{margin:18px 0 6px}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
figure.chart{margin:0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 8px}
figcaption{font-weight:600;margin-bottom:2px}svg.plot{width:100%;height:auto;display:block}
svg .frame{fill:none;stroke:#8c959f}svg .grid{stroke:#eaeef2}svg .tick{font-size:10px;fill:#57606a}svg .series{stroke-width:1.6}svg polyline.series:first-of-type:not(:last-of-type){stroke-width:3.2;stroke-opacity:.55}
.legend span{margin-right:12px;font-size:12px;white-space:nowrap}.legend i{display:inline-block;width:16px;border-top:3px solid;margin-right:4px;vertical-align:middle}
.legend i.dashed{border-top-style:dashed}.note{color:#57606a}tr.default td{color:#8c959f}
table.samples pre{white-space:pre-wrap;max-height:9em;overflow:auto;margin:0;font-size:12px;max-width:34em}
.samples-wrap{max-height:80vh;overflow:auto;border:1px solid #d0d7de}table.samples th{position:sticky;top:0}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}.count{color:#57606a}
.v-satisfied b{color:#1a7f37}.v-violated b{color:#cf222e}.v-error b{color:#9a6700}.reason{color:#57606a;font-size:12px}
pre.recipe{background:#fff;border:1px solid #d0d7de;padding:10px;overflow:auto;max-height:40em}
tr.state-started td{background:#fff8c5}tr.state-not-started td{color:#8c959f}
`;

function chartFigure(chart: Chart): string {
  return `<figure class="chart" data-chart="${esc(chart.id)}"><figcaption>${esc(chart.title)}</figcaption>${lineChartSvg(chart)}${legendHtml(chart.series)}</figure>`;
}

const grid = (charts: readonly Chart[]) => `<div class="charts">${charts.map(chartFigure).join("")}</div>`;

function stageHeading(name: string, runs: readonly (StageData | undefined)[]): string {
  const describe = (s: StageData | undefined) => (s === undefined ? "absent" : `${s.variant}, ${s.state}`);
  const states = runs.length > 1 ? runs.map((s, i) => `${"AB"[i]}: ${describe(s)}`).join("; ") : describe(runs[0]);
  return `<h2>Stage <code>${esc(name)}</code> <small class="note">${esc(states)}</small></h2>`;
}

/** A stage's plots: its step totals, then each task's. Stages without metrics show only their heading. */
function stageSection(name: string, runs: readonly (StageData | undefined)[]): string {
  const charts = stageCharts(name, runs);
  const tasks = charts.tasks.filter((t) => t.charts.length > 0)
    .map((t) => `<h3>Task <code>${esc(t.task)}</code></h3>${grid(t.charts)}`);
  const total = charts.total.length > 0 ? `${charts.tasks.length > 0 ? "<h3>All tasks</h3>" : ""}${grid(charts.total)}` : "";
  const empty = total === "" && tasks.length === 0 ? `<p class="note">No training metrics (${runs.some((s) => s?.evalTasks) ? "see Eval pass rates" : "not a training stage, or not started"}).</p>` : "";
  return `<section id="stage-${esc(name)}" class="stage">${stageHeading(name, runs)}${total}${tasks.join("")}${empty}</section>`;
}

function notesSection(runs: readonly RunData[]): string {
  const notes = runs.flatMap((r) => r.notes.map((n) => (runs.length > 1 ? `${r.label}: ${n}` : n)));
  return notes.length === 0 ? "" : `<section id="notes"><h2>Notes</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`;
}

function page(title: string, subtitle: string, nav: readonly [string, string][], body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="generator" content="align report"><title>${esc(title)}</title><style>${CSS}</style></head><body>` +
    `<header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>` +
    `<nav>${nav.map(([id, label]) => `<a href="#${esc(id)}">${esc(label)}</a>`).join("")}</nav><main>${body}</main></body></html>\n`;
}

function navFor(body: string, stages: readonly string[]): [string, string][] {
  const fixed: [string, string][] = [["summary", "summary"], ...stages.map((s): [string, string] => [`stage-${s}`, s]),
    ["evals", "evals"], ["samples", "samples"], ["plan", "plan"], ["recipe", "recipe"], ["lockfile", "lockfile"], ["notes", "notes"]];
  return fixed.filter(([id]) => body.includes(`id="${esc(id)}"`));
}

/** The report of one run. */
export function renderReport(run: RunData): string {
  const name = run.plan.recipe?.name ?? "run";
  const body = `<section id="summary"><h2>Summary</h2>${summaryTable(run)}</section>` +
    run.stages.map((s) => stageSection(s.name, [s])).join("") +
    evalSection([run]) + samplesSection(run.stages) + planSection(run.plan) + recipeSection(run) + lockfileSection(run) + notesSection([run]);
  const subtitle = `${run.plan.recipe?.description ? `${run.plan.recipe.description} · ` : ""}run directory ${run.label}`;
  return page(`align report: ${name}`, subtitle, navFor(body, run.stages.map((s) => s.name)), body);
}

/** Two runs overlaid: the same plots with run B dashed, eval rates side by side. */
export function renderComparison(a: RunData, b: RunData): string {
  const names = [...new Set([...a.stages.map((s) => s.name), ...b.stages.map((s) => s.name)])];
  const find = (run: RunData, name: string) => run.stages.find((s) => s.name === name);
  const summary = `<section id="summary"><h2>Summary</h2><h3>A: ${esc(a.label)}</h3>${summaryTable(a)}<h3>B: ${esc(b.label)}</h3>${summaryTable(b)}</section>`;
  const body = summary + names.map((n) => stageSection(n, [find(a, n), find(b, n)])).join("") + evalSection([a, b]) + notesSection([a, b]);
  const title = `align report: ${a.plan.recipe?.name ?? "A"} vs ${b.plan.recipe?.name ?? "B"}`;
  return page(title, `A (solid): ${a.label} · B (dashed): ${b.label}`, navFor(body, names), body);
}
