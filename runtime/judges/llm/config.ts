/**
 * The `llm_judge` configuration as plan.json carries it (docs/plan.md, judge variants), checked
 * with zod so a hand-edited plan fails at start-up with a path, not mid-run with a TypeError.
 */
import { z } from "zod";
import { parsePatternProblem } from "../../../compiler/check/rules/support/regex.js";
import type { JudgePlan } from "../plan-config.js";
import { refName } from "../plan-config.js";

const TemplateSchema = z.object({
  text: z.string(),
  file: z.string().nullable().optional(),
  slots: z.array(z.string()).optional(),
});

export const LlmJudgeConfigSchema = z.object({
  model: z.union([z.string(), z.object({ model: z.string() })]),
  template: TemplateSchema,
  decision: z.enum(["logprobs", "parse"]).default("logprobs"),
  positive: z.string().min(1).default("True"),
  negative: z.string().min(1).default("False"),
  violated_when: z.enum(["positive", "negative"]).default("positive"),
  parse_pattern: z.string().nullable().default(null),
  max_tokens: z.number().int().positive().default(4),
  /** Seconds per attempt. */
  timeout: z.number().positive().default(30),
  retries: z.number().int().min(0).default(3),
  concurrency: z.number().int().positive().default(16),
  budget_tokens: z.number().int().positive().nullable().default(null),
  cache: z.boolean().default(true),
  /**
   * Not (yet) a plan field: which OpenAI API to call. `chat` sends the filled template as one
   * user message; `completions` sends it as a raw prompt (the paper's `[INST] ... [\INST]`).
   */
  api: z.enum(["chat", "completions"]).default("chat"),
});

export type LlmJudgeConfig = z.infer<typeof LlmJudgeConfigSchema>;

const EndpointSchema = z.object({
  type: z.literal("endpoint"),
  url: z.string().min(1),
  model: z.string().min(1),
  api_key: z.object({ env: z.string().min(1) }).nullable().optional(),
});

export interface Endpoint {
  /** The OpenAI base URL, e.g. `http://judge:8000/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** The name of the environment variable holding the key (never the key itself). */
  readonly apiKeyEnv: string | null;
}

/** Parse the judge's config; the error names the judge and the field path. */
export function parseLlmJudgeConfig(name: string, raw: unknown): LlmJudgeConfig {
  const parsed = LlmJudgeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : issue.path.map(String).join(".");
    throw new Error(`judge ${name} (llm_judge): ${where === "" ? "" : `${where}: `}${issue?.message ?? "invalid config"}`);
  }
  if (parsed.data.decision === "parse" && parsed.data.parse_pattern !== null) compilePattern(name, parsed.data.parse_pattern);
  return parsed.data;
}

/** Look up the judge's `model` in the plan; it must be an OpenAI-compatible endpoint. */
export function resolveEndpoint(name: string, config: LlmJudgeConfig, plan: JudgePlan): Endpoint {
  const modelName = refName(config.model, "model");
  const model = plan.models?.[modelName];
  if (model === undefined) throw new Error(`judge ${name} (llm_judge): model ${modelName} is not declared in the plan`);
  const from = EndpointSchema.safeParse(model.from);
  if (!from.success) {
    throw new Error(`judge ${name} (llm_judge): model ${modelName} must come from endpoint(url, model = ...)`);
  }
  return {
    baseUrl: from.data.url.replace(/\/+$/, ""),
    model: from.data.model,
    apiKeyEnv: from.data.api_key?.env ?? null,
  };
}

/** The same check as `align check` (compiler rule ValidRegex): valid, with a capturing group. */
export function compilePattern(name: string, pattern: string): RegExp {
  const problem = parsePatternProblem(pattern);
  if (problem !== null) throw new Error(`judge ${name} (llm_judge): parse_pattern: ${problem}`);
  // No flags: the pattern is written like any JavaScript regex; it only ever sees the judge
  // model's reply, which max_tokens keeps short.
  return new RegExp(pattern);
}
