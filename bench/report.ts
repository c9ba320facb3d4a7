/**
 * How long `report.html` takes for a long run, since `align run` rewrites it after every stage.
 *
 *   npx tsx bench/report.ts            (`--steps N` per training stage, default 10000; `--runs 3`)
 *
 * A synthetic run directory: an sft stage and a cgpo stage of N steps with three tasks and two
 * judges each, and two eval stages with 300 samples each. Measured: reading it (`readRun`),
 * rendering it, the file's size. Baseline in the same run: JSON.parse of every metrics line,
 * the least any reader of metrics.jsonl pays.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readRun, renderReport } from "../runtime/report/index.js";
import { timeMedian } from "./lib/measure.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const STEPS = option("steps", 10_000);
const RUNS = option("runs", 3);
const TASKS = ["chat", "math", "code"];

function taskLine(step: number, task: string): string {
  const x = Math.sin(step / 50 + task.length);
  return JSON.stringify({ stage: "rl", step, task, loss: x, lr: 1e-4, grad_norm: 1 + x, tokens: 4000, tokens_per_s: 2000 + x, step_time_s: 2,
    peak_memory_bytes: 1e9, world_size: 8, weight: 1, samples: 128, skipped_samples: 0, skipped_prompts: step % 3,
    reward_raw_mean: x, reward_calibrated_mean: 0.5 + x / 4, feasible_rate: 0.7, feasible_rate_by_judge: { a: 0.8, b: 0.9 },
    judge_errors: 0, log_ratio_mean: 0.1, log_ratio_std: 0.05, log_ratio_min: -0.2, log_ratio_max: 0.4, response_tokens_mean: 40,
    kl_gate_zero_rate: 0.01, kl_gate_mean: 0.95, advantage_abs_mean: 0.2 });
}

function makeRun(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "align-bench-report-"));
  const plan = { recipe: { name: "bench", file: "bench.align" }, stage_order: ["sft", "rl", "before", "after"],
    stages: { sft: { variant: "sft" }, rl: { variant: "cgpo" }, before: { variant: "eval" }, after: { variant: "eval" } }, provenance: {} };
  writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
  for (const s of plan.stage_order) mkdirSync(path.join(dir, s));
  const steps = Array.from({ length: STEPS }, (_, i) => i + 1);
  writeFileSync(path.join(dir, "sft", "metrics.jsonl"), steps.map((s) => JSON.stringify({ stage: "sft", step: s, task: null, loss: 1 / s, lr: 1e-4 })).join("\n") + "\n");
  writeFileSync(path.join(dir, "rl", "metrics.jsonl"), steps.flatMap((s) => [...TASKS.map((t) => taskLine(s, t)),
    JSON.stringify({ stage: "rl", step: s, task: null, loss: 0.1, reward: 0.5, feasible: 0.7 })]).join("\n") + "\n");
  for (const s of ["before", "after"]) {
    const sample = (i: number) => JSON.stringify({ prompt: `prompt ${i} `.repeat(10), response: `response ${i} `.repeat(20), task: "math", feasible: i % 2 === 0,
      verdicts: { a: { status: "satisfied", reason: "ok" }, b: { status: i % 3 ? "violated" : "satisfied", reason: "r" } } });
    writeFileSync(path.join(dir, s, "samples.jsonl"), Array.from({ length: 300 }, (_, i) => sample(i)).join("\n") + "\n");
    writeFileSync(path.join(dir, s, "report.json"), JSON.stringify({ tasks: { math: { feasible_rate: 0.5, pass_rate_by_judge: { a: 1, b: 0.3 } } } }));
  }
  return dir;
}

const dir = makeRun();
try {
  const lines = ["sft", "rl"].flatMap((s) => readFileSync(path.join(dir, s, "metrics.jsonl"), "utf8").split("\n").filter((l) => l !== ""));
  const parse = timeMedian(() => lines.map((l) => JSON.parse(l) as unknown), RUNS);
  const read = timeMedian(() => readRun(dir), RUNS);
  const run = readRun(dir);
  const render = timeMedian(() => renderReport(run), RUNS);
  const html = renderReport(run);
  console.log(`${lines.length} metrics lines (${STEPS} steps), 600 samples; median of ${RUNS}`);
  console.log(`baseline JSON.parse of every line   ${parse.toFixed(0)} ms`);
  console.log(`readRun                             ${read.toFixed(0)} ms  (${(read / parse).toFixed(1)}x baseline)`);
  console.log(`renderReport                        ${render.toFixed(0)} ms  (${(render / parse).toFixed(1)}x baseline)`);
  console.log(`report.html                         ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
