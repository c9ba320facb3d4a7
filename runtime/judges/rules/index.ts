/** The rule judges: pure, synchronous, deterministic checks on the response text. */

export { JudgeConfigError } from "./config-error.js";
export { createContainsJudge, type ContainsJudgeConfig } from "./contains.js";
export { createJsonJudge, fencedJson, JSON_MAX_INPUT_CHARS, type JsonJudgeConfig, type JsonLimits } from "./json.js";
export type { SchemaTemplate } from "./json.js";
export { createLengthJudge, type LengthJudgeConfig } from "./length.js";
export { createRegexJudge, REGEX_MAX_INPUT_CHARS, regexProblem, type RegexJudgeConfig, type RegexLimits } from "./regex.js";
export { findNestedQuantifier } from "../../../compiler/check/rules/support/regexSafety.js";
