import { writeFileSync } from "node:fs";
import { renderText, shouldColor, summary } from "../../compiler/diagnostics/render.js";
import { describeEstimate } from "../../compiler/estimate/index.js";
import type { MemoryEstimate } from "../../compiler/estimate/types.js";
import { compile } from "../../compiler/index.js";
import { judgeInputChecks } from "../../runtime/judges/inputChecks.js";
import { readArgument } from "./io.js";

/** `align plan FILE [--json] [--out plan.json]`. Errors print as in `check` and exit 1. */
export async function runPlan(file: string, opts: { json?: boolean; out?: string }): Promise<number> {
  if (readArgument(file) === undefined) return 2;
  const result = compile(file, { judgeInputChecks });
  const lookup = (f: string) => result.sources.get(f);
  const errors = result.hasErrors;
  if (result.diagnostics.length > 0) {
    const stream = errors || opts.json ? process.stderr : process.stdout;
    stream.write(renderText(result.diagnostics, lookup, { color: shouldColor(stream) }));
  }
  if (errors || !result.planJson) {
    process.stderr.write(`${summary(result.diagnostics)}; no plan\n`);
    return 1;
  }
  if (opts.out) writeFileSync(opts.out, result.planJson);
  if (opts.json) process.stdout.write(result.planJson);
  else if (!opts.out) process.stdout.write(humanPlan(JSON.parse(result.planJson) as PlanJson));
  return 0;
}

interface PlanJson {
  recipe: { name: string; file: string; seed: number };
  stages: Record<string, { variant: string; output: string; needs: string[] }>;
  stage_order: string[];
  cluster: { nodes: number; gpus_per_node: number; gpu: string };
  estimates: Record<string, MemoryEstimate>;
  provenance: Record<string, string>;
  [section: string]: unknown;
}

const SECTIONS = ["recipe", "models", "rewards", "datasets", "judges", "tasks", "stages", "cluster", "launch"];

/** Every resolved value with where it came from, then the stage DAG and the memory estimate. */
export function humanPlan(plan: PlanJson): string {
  const out: string[] = [`plan for recipe \`${plan.recipe.name}\` (${plan.recipe.file}), seed ${plan.recipe.seed}`, ""];
  const rows = Object.entries(plan.provenance).map(([pointer, origin]) => ({ pointer, origin, value: valueAt(plan, pointer) }));
  for (const section of SECTIONS) {
    const mine = rows.filter((r) => r.pointer.startsWith(`/${section}/`));
    if (mine.length === 0) continue;
    out.push(`${section}:`);
    const width = Math.min(48, Math.max(...mine.map((r) => r.pointer.length - section.length - 2)));
    const valueWidth = Math.min(40, Math.max(...mine.map((r) => r.value.length)));
    for (const r of mine) {
      out.push(`  ${r.pointer.slice(section.length + 2).padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.origin}`);
    }
    out.push("");
  }
  out.push("stages (in order):");
  if (plan.stage_order.length === 0) out.push("  (none)");
  plan.stage_order.forEach((name, i) => {
    const s = plan.stages[name]!;
    const needs = s.needs.length > 0 ? `  after ${s.needs.join(", ")}` : "";
    out.push(`  ${i + 1}. ${name} = ${s.variant} → ${s.output}${needs}`);
  });
  out.push("", `memory per GPU (${plan.cluster.nodes} × ${plan.cluster.gpus_per_node} ${plan.cluster.gpu}):`);
  const estimates = Object.entries(plan.estimates);
  if (estimates.length === 0) out.push("  (no estimate: no stage runs a model of known size)");
  for (const [stage, e] of estimates) out.push(`  ${stage}: ${describeEstimate(e, plan.cluster.gpu)}${e.fits === false ? "  DOES NOT FIT" : ""}`);
  return out.join("\n") + "\n";
}

function valueAt(plan: unknown, pointer: string): string {
  let node: unknown = plan;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  const text = JSON.stringify(node) ?? "null";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
