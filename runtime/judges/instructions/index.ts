/** The `instructions` judge (IFEval's verifiable instructions); see docs/judges/instructions.md. */
export { createInstructionsJudge, instructionsJudgeConfigSchema, type InstructionsJudgeConfig } from "./judge.js";
export { requirementsProblem } from "./problem.js";
export { evaluateRules, failedRules, looseReadings, type Evaluation, type Mode } from "./evaluate.js";
export { compileRequirements, type CompiledRule, type CompiledRequirements } from "./compile.js";
export { parseRequirements, type RuleRequest, type ParsedRequirements } from "./requirements.js";
export { INSTRUCTIONS, lookupInstruction } from "./registry.js";
export type { InstructionDef, Checker, Relation } from "./types.js";
