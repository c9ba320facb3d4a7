/** The `llm_judge` variant: see judge.ts for the behaviour and docs/judges.md for the fields. */
export { createLlmJudge } from "./judge.js";
export type { LlmJudge, LlmJudgeStats } from "./judge.js";
export { LlmJudgeConfigSchema, parseLlmJudgeConfig } from "./config.js";
export type { LlmJudgeConfig } from "./config.js";
export { decideByLogprobs, decideByParse, normalizeToken } from "./decision.js";
export { fillTemplate, templateSlots } from "./template.js";
