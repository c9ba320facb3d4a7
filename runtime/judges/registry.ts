/**
 * The judge registry: plan judge config (`{"variant": ..., ...fields}`) → a live `Judge`.
 *
 * Each variant maps to a factory `(name, config, context) => Judge | Promise<Judge>`. The judge
 * libraries keep their own signatures (most take `(name, config)` and validate their fields,
 * throwing with the judge and field named); the adapters below hand them what they need from
 * the shared context and nothing else.
 */
import { createCodeTestsJudge } from "./code_tests/index.js";
import { createCustomJudge } from "./custom/index.js";
import { createInstructionsJudge } from "./instructions/index.js";
import type { InstructionsJudgeConfig } from "./instructions/index.js";
import { createLlmJudge } from "./llm/index.js";
import { createMathAnswerJudge } from "./math_answer/index.js";
import type { MathAnswerJudgeConfig } from "./math_answer/index.js";
import type { JudgeFactoryContext, JudgePlan, PlanJudgeConfig } from "./plan-config.js";
import { createContainsJudge, createJsonJudge, createLengthJudge, createRegexJudge } from "./rules/index.js";
import type { ContainsJudgeConfig, JsonJudgeConfig, LengthJudgeConfig, RegexJudgeConfig } from "./rules/index.js";
import { judgeUnits } from "./units.js";
import type { Judge } from "./types.js";

export type JudgeFactory = (name: string, config: PlanJudgeConfig, context: JudgeFactoryContext) => Judge | Promise<Judge>;

const FACTORIES: Readonly<Record<string, JudgeFactory>> = {
  llm_judge: createLlmJudge,
  custom: createCustomJudge,
  // The casts only hand the plan's object over: each judge validates its own fields.
  math_answer: (name, config) => createMathAnswerJudge(name, config as unknown as MathAnswerJudgeConfig),
  regex: (name, config) => createRegexJudge(name, config as unknown as RegexJudgeConfig),
  contains: (name, config) => createContainsJudge(name, config as unknown as ContainsJudgeConfig),
  length: (name, config) => createLengthJudge(name, config as unknown as LengthJudgeConfig),
  json: (name, config) => createJsonJudge(name, config as unknown as JsonJudgeConfig),
  instructions: (name, config) => createInstructionsJudge(name, config as unknown as InstructionsJudgeConfig),
  // Every code judge shares the caller's sandbox pool, so the bound on processes is global.
  code_tests: (name, config, context) =>
    createCodeTestsJudge(name, config, {
      ...(context.sandboxPool === undefined ? {} : { pool: context.sandboxPool }),
      ...(context.sandboxWarm === undefined ? {} : { warm: context.sandboxWarm }),
    }),
};

export function knownVariants(): string[] {
  return Object.keys(FACTORIES).sort();
}

export function defaultFactoryContext(plan: JudgePlan, overrides: Partial<JudgeFactoryContext> = {}): JudgeFactoryContext {
  return { plan, baseDir: process.cwd(), env: process.env, cacheDir: null, ...overrides };
}

export function factoryFor(variant: string): JudgeFactory {
  const factory = FACTORIES[variant];
  if (factory === undefined) throw new Error(`unknown judge variant ${JSON.stringify(variant)} (known: ${knownVariants().join(", ")})`);
  return factory;
}

export async function createJudge(name: string, config: PlanJudgeConfig, context: JudgeFactoryContext): Promise<Judge> {
  return factoryFor(config.variant)(name, config, context);
}

/** The judges some task or judging stage uses (units.ts), or only the named units'. */
export function judgesUsedByTasks(plan: JudgePlan, units?: readonly string[]): string[] {
  const names = new Set<string>();
  for (const unit of judgeUnits(plan)) {
    if (units !== undefined && !units.includes(unit.name)) continue;
    for (const name of [...unit.constraints, ...unit.rewardOnly]) names.add(name);
  }
  return [...names].sort();
}

/**
 * Build one judge per name (shared by every task that uses it, so an LLM judge's cache and
 * budget are per judge, not per task). Fails with every broken judge named, not just the first.
 */
export async function createJudges(
  plan: JudgePlan,
  context: JudgeFactoryContext,
  names: readonly string[] = judgesUsedByTasks(plan),
): Promise<Map<string, Judge>> {
  const judges = new Map<string, Judge>();
  const problems: string[] = [];
  for (const name of names) {
    const config = plan.judges[name];
    if (config === undefined) {
      problems.push(`judge ${name} is referenced but not declared in the plan`);
      continue;
    }
    try {
      judges.set(name, await createJudge(name, config, context));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(message.startsWith(`judge ${name}`) ? message : `judge ${name}: ${message}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return judges;
}
