import { bool, documentText, duration, enumOf, field, int, list, nullable, num, options, pathStr, ref, refName, size, str, template } from "../fields.js";
import type { KindSpec } from "../types.js";

/**
 * Judges decide whether a response satisfies a constraint (CGPO's mixture of judges). Every
 * variant's fields are listed here; the runtime implements each variant under runtime/judges.
 */

export const judgeCommon = {
  on_error: enumOf(["violated", "satisfied", "skip_sample"], "What a judge error counts as; `skip_sample` drops the sample from the loss.", {
    default: "violated",
  }),
  scope: nullable(
    list(refName("dataset", "A prompt source."), "Run only on samples from these prompt sources (e.g. factuality only on TriviaQA)."),
    "all of a task's prompt sources",
  ),
};

const mathAnswer = {
  answer: field("The data field holding the ground-truth answer.", { default: "answer" }),
  extract: list(
    enumOf(["final_answer", "boxed", "last_math", "last_number"], "An extraction strategy."),
    "How the final answer is found in the response, tried in order (`last_number` only for bare-number answers).",
    { default: ["final_answer", "boxed", "last_math"] },
  ),
  tolerance: num("Relative tolerance for numeric answers.", { default: 1e-6, min: 0 }),
  symbolic: bool("Compare symbolically (fractions, radicals) when numbers do not match.", { default: true }),
};

const codeTests = {
  tests: field("The data field holding the unit tests.", { default: "tests" }),
  entry_point: nullable(field("The data field naming the function the tests call.")),
  language: enumOf(["python"], "The language of the response's code.", { default: "python" }),
  timeout: duration("Wall-clock limit for one test run.", { default: 10 }),
  memory: size("Memory limit for one test run.", { default: 512 * 1024 * 1024 }),
  processes: int("Process limit inside the sandbox.", { default: 32, min: 1 }),
  sandbox: enumOf(["bwrap", "none"], "Isolation: bubblewrap (no network, read-only root), or `none` for trusted code only.", {
    default: "bwrap",
  }),
};

const instructions = {
  requirements: field("The data field holding the verifiable instructions (IFEval-style); with `kwargs`, IFEval's `instruction_id_list` column.", {
    default: "requirements",
  }),
  kwargs: nullable(field("IFEval's two-column layout: the data field holding the `kwargs` list that goes with the ids in `requirements`.")),
  mode: enumOf(["strict", "loose"], "Loose also accepts the response with its first or last line removed.", { default: "strict" }),
};

const regex = {
  pattern: str("A regular expression (JavaScript syntax)."),
  flags: str("Regular expression flags, e.g. `i`.", { default: "" }),
  expect: enumOf(["match", "no_match"], "Whether the response must match or must not match.", { default: "match" }),
};

const contains = {
  values: list(str("A string."), "The strings looked for.", { nonEmpty: true }),
  mode: enumOf(["any", "all", "none"], "Satisfied when any, all or none of the values occur.", { default: "any" }),
  case_sensitive: bool("Compare case-sensitively.", { default: true }),
};

const length = {
  unit: enumOf(["chars", "words"], "What is counted.", { default: "words" }),
  min: nullable(int("The least length allowed.", { min: 0 })),
  max: nullable(int("The greatest length allowed.", { min: 0 })),
};

const json = {
  schema: nullable(documentText("A JSON Schema the value must match, usually `file(\"x.schema.json\")`.")),
  extract: enumOf(["whole", "fenced"], "Where the JSON is: the first ```json block (else the whole response), or the whole response.", {
    default: "fenced",
  }),
};

const llmJudge = {
  model: ref("model", "The judging model (an `endpoint` model)."),
  template: template("The judge prompt; slots `{prompt}`, `{response}` and data fields."),
  decision: enumOf(["logprobs", "parse"], "Compare the probabilities of the positive and negative tokens, or parse generated text.", {
    default: "logprobs",
  }),
  positive: str("The positive token.", { default: "True" }),
  negative: str("The negative token.", { default: "False" }),
  violated_when: enumOf(["positive", "negative"], "Which answer means the constraint is violated.", { default: "positive" }),
  parse_pattern: nullable(str("With `decision = parse`: a regex with one group, compared with positive/negative.")),
  max_tokens: int("Tokens the judge may generate.", { default: 4, min: 1 }),
  timeout: duration("Per-request timeout.", { default: 30 }),
  retries: int("Retries after a failed request.", { default: 3, min: 0 }),
  concurrency: int("Requests in flight at once.", { default: 16, min: 1 }),
  budget_tokens: nullable(int("Stop judging (errors) after this many tokens in total.", { min: 1 })),
  cache: bool("Cache verdicts by (template, prompt, response).", { default: true }),
};

const custom = {
  module: pathStr("A TypeScript or JavaScript module exporting the judge, relative to the recipe."),
  export: str("The export name.", { default: "judge" }),
  options: options("Options passed to the judge as JSON.", { default: {} }),
  timeout: duration("Longest one call may take; then its verdict is error/timeout and its signal aborts (a synchronous loop cannot be stopped).", {
    default: 30,
  }),
};

export const judgeKind: KindSpec = {
  name: "judge",
  doc: "A judge returns satisfied, violated or error for a response; a task's judges decide feasibility.",
  naming: "named",
  discriminator: "variant",
  common: judgeCommon,
  syntax: "judge NAME = VARIANT { ... }",
  variants: [
    { name: "math_answer", doc: "The final answer equals the ground truth.", positional: [], fields: mathAnswer },
    { name: "code_tests", doc: "The response's code passes the unit tests, run in a sandbox.", positional: [], fields: codeTests },
    { name: "instructions", doc: "IFEval-style verifiable instructions read from a data field.", positional: [], fields: instructions },
    { name: "regex", doc: "The response matches (or does not match) a regular expression.", positional: ["pattern"], fields: regex },
    { name: "contains", doc: "The response contains any, all or none of some strings.", positional: ["values"], fields: contains },
    { name: "length", doc: "The response's length is within bounds.", positional: [], fields: length },
    { name: "json", doc: "The response holds valid JSON, optionally matching a JSON Schema.", positional: [], fields: json },
    { name: "llm_judge", doc: "An LLM judge behind an OpenAI-compatible endpoint.", positional: [], fields: llmJudge },
    { name: "custom", doc: "User code: a module exporting a judge function.", positional: ["module"], fields: custom },
  ],
};

/** Field maps by variant, kept typed for the plan schema. */
export const judgeVariantFields = {
  math_answer: mathAnswer,
  code_tests: codeTests,
  instructions,
  regex,
  contains,
  length,
  json,
  llm_judge: llmJudge,
  custom,
} as const;
