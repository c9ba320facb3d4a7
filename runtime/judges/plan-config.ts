/**
 * The parts of `plan.json` (docs/plan.md) that the judge runtime reads: `models` (for the
 * endpoint of an `llm_judge`), `judges` and `tasks`. This is a structural subset, so the
 * compiler's full `Plan` type (compiler/plan/types.ts) is assignable to it; when that type
 * lands, callers can pass a `Plan` without change.
 */

import type { Plan } from "../../compiler/plan/types.js";
import type { SandboxPool } from "../sandbox/index.js";

export type OnErrorPolicy = "violated" | "satisfied" | "skip_sample";

/** A reference as the plan writes it (`{"dataset": "math"}`), or a bare name. */
export type PlanRef = string | { readonly [kind: string]: unknown };

export interface PlanJudgeConfig {
  readonly variant: string;
  readonly on_error?: OnErrorPolicy;
  readonly scope?: readonly PlanRef[] | null;
  readonly [field: string]: unknown;
}

export interface PlanTaskConfig {
  readonly prompts?: readonly PlanRef[];
  readonly judges?: readonly PlanRef[];
  readonly [field: string]: unknown;
}

export interface PlanModelConfig {
  readonly from?: unknown;
  readonly [field: string]: unknown;
}

export interface JudgePlan {
  readonly models?: Readonly<Record<string, PlanModelConfig>>;
  readonly judges: Readonly<Record<string, PlanJudgeConfig>>;
  readonly tasks: Readonly<Record<string, PlanTaskConfig>>;
  readonly [section: string]: unknown;
}

/** Compile-time proof that the compiler's `Plan` is accepted wherever a `JudgePlan` is. */
export type AcceptsCompilerPlan = Plan extends JudgePlan ? true : false;
const acceptsCompilerPlan: AcceptsCompilerPlan = true;
void acceptsCompilerPlan;

/**
 * The name inside a reference: `{"judge": "x"}` → "x" for kind "judge"; a bare string is taken
 * as is (docs/plan.md shows `scope` both ways, so both are accepted).
 */
export function refName(ref: PlanRef, kind: string): string {
  if (typeof ref === "string") return ref;
  const named = ref[kind];
  if (typeof named === "string") return named;
  throw new Error(`expected a reference to a ${kind}, got ${JSON.stringify(ref)}`);
}

export function onErrorPolicy(config: PlanJudgeConfig): OnErrorPolicy {
  const policy = config.on_error ?? "violated";
  if (policy !== "violated" && policy !== "satisfied" && policy !== "skip_sample") {
    throw new Error(`on_error must be violated, satisfied or skip_sample, got ${JSON.stringify(policy)}`);
  }
  return policy;
}

/** The judge's scope as dataset names, or null for "every prompt source of the task". */
export function judgeScope(config: PlanJudgeConfig): readonly string[] | null {
  if (config.scope === undefined || config.scope === null) return null;
  return config.scope.map((ref) => refName(ref, "dataset"));
}

/** What a judge factory gets besides its own config. */
export interface JudgeFactoryContext {
  /** The whole plan (an llm_judge looks its endpoint model up in `models`). */
  readonly plan: JudgePlan;
  /** Relative paths in the plan (custom judge modules) resolve against this directory. */
  readonly baseDir: string;
  /** Where secrets named by `{"env": "NAME"}` are read; defaults to process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory for on-disk caches (LLM judge replies), or null for memory only. */
  readonly cacheDir: string | null;
  /** One sandbox pool shared by every code_tests judge (the server's code-execution pool). */
  readonly sandboxPool?: SandboxPool;
  /** code_tests sandboxes started ahead, per judge (runtime/sandbox/warm.ts); absent: none. */
  readonly sandboxWarm?: { readonly size: number; readonly idleMs?: number };
  /** Test and tuning knobs of the LLM judge (not plan fields). */
  readonly llm?: {
    readonly retryBaseMs?: number;
    readonly maxRetryAfterMs?: number;
    readonly cacheEntries?: number;
  };
}
