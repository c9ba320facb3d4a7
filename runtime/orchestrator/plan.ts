/**
 * What the orchestrator reads from plan.json: the stages, their order and their dependencies,
 * plus each stage's configuration closure (the declarations it names), which decides whether a
 * finished stage is still up to date and whether it needs the judge server.
 */
import { createHash } from "node:crypto";
import type { Plan } from "../../compiler/plan/types.js";
import type { JudgePlan } from "../judges/plan-config.js";

export interface RunPlanStage {
  readonly variant: string;
  readonly needs: readonly string[];
  readonly [field: string]: unknown;
}

/** The part of the plan the orchestrator needs; the compiler's `Plan` is accepted as is. */
export interface RunPlan extends JudgePlan {
  readonly recipe: { readonly name: string; readonly seed: number; readonly output_dir?: string };
  readonly stages: Readonly<Record<string, RunPlanStage>>;
  readonly stage_order: readonly string[];
  readonly cluster?: { readonly gpus_per_node?: number; readonly cpu_ranks?: number } | null;
}

/** Compile-time proof that the compiler's `Plan` is accepted wherever a `RunPlan` is. */
export type AcceptsCompilerPlan = Plan extends RunPlan ? true : false;
const acceptsCompilerPlan: AcceptsCompilerPlan = true;
void acceptsCompilerPlan;

/** Declaration sections whose entries a stage's configuration can name (stages excluded). */
const SECTIONS = ["models", "rewards", "datasets", "judges", "tasks"] as const;

type Section = (typeof SECTIONS)[number];

function sectionOf(plan: RunPlan, name: string): Section | undefined {
  return SECTIONS.find((s) => {
    const table = plan[s] as Record<string, unknown> | undefined;
    return table !== undefined && Object.hasOwn(table, name);
  });
}

function strings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
}

/**
 * The declarations a stage depends on, keyed `section/name`, found by following every string in
 * the stage that names a declaration (names share one namespace across kinds, docs/plan.md, so a
 * string either names exactly one declaration or none; a false hit only makes the closure larger,
 * which at worst re-runs a stage). Stage references are not followed: an upstream stage that
 * re-ran is detected from its newer result.json instead.
 */
export function stageClosure(plan: RunPlan, stage: string): Map<string, unknown> {
  const closure = new Map<string, unknown>();
  const pending: unknown[] = [plan.stages[stage]];
  while (pending.length > 0) {
    const found: string[] = [];
    strings(pending.pop(), found);
    for (const name of found) {
      const section = sectionOf(plan, name);
      if (section === undefined || closure.has(`${section}/${name}`)) continue;
      const decl = (plan[section] as Record<string, unknown>)[name];
      closure.set(`${section}/${name}`, decl);
      pending.push(decl);
    }
  }
  return closure;
}

/** True when running the stage calls the judge server (it reaches some judge declaration). */
export function stageNeedsJudges(plan: RunPlan, stage: string): boolean {
  return [...stageClosure(plan, stage).keys()].some((k) => k.startsWith("judges/"));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** sha256 of the stage, its closure and the seed: equal fingerprints mean the same work. */
export function stageFingerprint(plan: RunPlan, stage: string): string {
  const closure = Object.fromEntries(stageClosure(plan, stage));
  const doc = { seed: plan.recipe.seed, stage: plan.stages[stage], closure };
  return createHash("sha256").update(JSON.stringify(canonical(doc))).digest("hex");
}

/** Ranks per node the plan asks for: one per GPU, or `cluster.cpu_ranks` on CPU (default 1). */
export function ranksPerNode(plan: RunPlan): number {
  const gpus = plan.cluster?.gpus_per_node ?? 0;
  return gpus > 0 ? gpus : Math.max(1, plan.cluster?.cpu_ranks ?? 1);
}
