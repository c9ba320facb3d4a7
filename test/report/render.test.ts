/**
 * The report as a function of a run directory's files, on small hand-written run directories:
 * hostile model text stays text, a run still being written renders, output is deterministic.
 * The report of a real run in a real browser is browser.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRun, renderComparison, renderReport, ReportError } from "../../runtime/report/index.js";
import { stageCharts } from "../../runtime/report/charts.js";
import { axis, formatTick, thin } from "../../runtime/report/svg.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HOSTILE = `<img src=x onerror="alert(1)"></pre><script>alert(2)</script>`;

function runDir(metrics: string, samples = ""): string {
  const dir = mkdtempSync(path.join(tmpdir(), "align-report-unit-"));
  dirs.push(dir);
  const plan = {
    recipe: { name: "r", file: "r.align", description: "d", output_dir: "runs" },
    stage_order: ["rl", "ev"],
    stages: { rl: { variant: "cgpo" }, ev: { variant: "eval", model: { stage: "rl", output: "model" } } },
    provenance: { "/stages/rl/variant": "r.align:3:10" },
  };
  writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
  mkdirSync(path.join(dir, "rl"));
  writeFileSync(path.join(dir, "rl", "metrics.jsonl"), metrics);
  if (samples !== "") {
    mkdirSync(path.join(dir, "ev"));
    writeFileSync(path.join(dir, "ev", "samples.jsonl"), samples);
  }
  return dir;
}

const line = (step: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ stage: "rl", step, task: "t", loss: 1 / step, reward_raw_mean: 0.1 * step, feasible_rate: 0.5, feasible_rate_by_judge: { fmt: 0.5 }, ...extra });

describe("report rendering", () => {
  it("escapes model text and judge reasons: samples are data, never markup", () => {
    const sample = JSON.stringify({ prompt: HOSTILE, response: HOSTILE, task: "t", feasible: false, verdicts: { fmt: { status: "violated", reason: HOSTILE } } });
    const html = renderReport(readRun(runDir(`${line(1)}\n`, `${sample}\n`)));
    expect(html).not.toContain("<img");
    expect(html).not.toContain("alert(2)</script>");
    expect(html.split("<script>").length - 1).toBe(1);   // the sample browser's own script only
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("renders a run still being written: a torn last line is skipped and noted", () => {
    const run = readRun(runDir(`${line(1)}\n${line(2)}\n{"stage": "rl", "st`));
    expect(run.stages[0]?.metrics.map((m) => m.step)).toEqual([1, 2]);
    expect(run.stages[1]?.state).toBe("not started");
    expect(run.notes).toEqual(["rl/metrics.jsonl: 1 line(s) not JSON, skipped (a line the worker is still writing is normal)"]);
    expect(renderReport(run)).toContain("1 line(s) not JSON");
  });

  it("is deterministic: the same files give the same bytes", () => {
    const dir = runDir(`${line(1)}\n${line(2)}\n`);
    expect(renderReport(readRun(dir, { label: "x" }))).toBe(renderReport(readRun(dir, { label: "x" })));
  });

  it("plots only metrics that have values, one series per judge, and both runs when comparing", () => {
    const run = readRun(runDir(`${line(1, { kl_gate_mean: null })}\n${line(2)}\n`));
    const charts = stageCharts("rl", [run.stages[0]]);
    const titles = charts.tasks[0]?.charts.map((c) => c.title);
    expect(titles).toEqual(["loss", "reward", "feasibility (overall and per judge)"]);
    expect(charts.tasks[0]?.charts[2]?.series.map((s) => s.name)).toEqual(["overall", "fmt"]);
    const both = stageCharts("rl", [run.stages[0], run.stages[0]]);
    expect(both.tasks[0]?.charts[0]?.series.map((s) => [s.name, s.run])).toEqual([["loss (A)", 0], ["loss (B)", 1]]);
    expect(renderComparison(run, run)).toContain('stroke-dasharray="5 3"');
  });

  it("summarises a bundle's lockfile and shows the plan's values with their provenance", () => {
    const dir = runDir(`${line(1)}\n`);
    mkdirSync(path.join(dir, "bundle", "inputs"), { recursive: true });
    const lock = { lockfile_version: 1, compiler: { name: "align", version: "0.1.0" },
      inputs: [{ bytes: 10, kind: "dataset", path: "data/arith.jsonl", sha256: "ab".repeat(32) }, { bytes: 20, kind: "recipe", path: "r.align", sha256: "cd".repeat(32) }] };
    writeFileSync(path.join(dir, "bundle", "align.lock.json"), JSON.stringify(lock));
    writeFileSync(path.join(dir, "bundle", "inputs", "r.align"), "recipe r { seed = 1 }\n");
    const html = renderReport(readRun(dir));
    expect(html).toContain("Lockfile <code>bundle/align.lock.json</code>");
    expect(html).toContain("inputs: 2 entries");
    expect(html).toContain("<tr><th>path</th><th>bytes</th><th>kind</th><th>sha256</th></tr>");
    expect(html).toContain(`<td><code>data/arith.jsonl</code></td><td><code>10</code></td><td><code>dataset</code></td><td><code>${"ab".repeat(8)}</code></td>`);
    expect(html).toContain("<pre class=\"recipe\">recipe r { seed = 1 }");
    expect(html).toContain("<td><code>/stages/rl/variant</code></td><td><code>cgpo</code></td><td>r.align:3:10</td>");
  });

  it("refuses a directory that is not a run directory, in one line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-report-unit-"));
    dirs.push(dir);
    expect(() => readRun(dir)).toThrow(ReportError);
    expect(() => readRun(dir)).toThrow(/plan\.json: no such file \(not a run directory/);
  });

  it("thins long series to a min/max envelope and picks round axis ticks", () => {
    const points = Array.from({ length: 10_000 }, (_, i) => [i, i === 5000 ? 99 : Math.sin(i)] as const);
    const thinned = thin(points, 600);
    expect(thinned.length).toBeLessThanOrEqual(600);
    expect(Math.max(...thinned.map((p) => p[1]))).toBe(99);   // the spike survives
    expect(axis(0.13, 0.87).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axis(5, 5).ticks.length).toBeGreaterThan(1);
    const memory = axis(246, 248);   // neighbouring ticks must not print alike (they did as 3 significant digits)
    expect(memory.ticks.map((t) => formatTick(t, memory.step))).toEqual(["246.0", "246.5", "247.0", "247.5", "248.0"]);
    const lr = axis(6e-5, 3e-4);
    expect(new Set(lr.ticks.map((t) => formatTick(t, lr.step))).size).toBe(lr.ticks.length);
  });
});
