/**
 * math_answer judge: extract the final answer from a response and compare it with the
 * reference answer in the sample's data. Satisfied `answer_match`; violated `answer_mismatch`
 * or `no_answer_found`; error `reference_missing` or `reference_unparseable`. It never throws
 * and its work is bounded: see docs/judges/math_answer.md for the limits.
 */

import type { Judge, Judgement, Sample } from "../types.js";
import { judgeError, satisfied, violated } from "../types.js";
import { JudgeConfigError, requireBoolean, requireString, type ConfigSite } from "../rules/config-error.js";
import { quote } from "../rules/text.js";
import { loadParser } from "./cas.js";
import { equivalent } from "./compare.js";
import { EXTRACT_STRATEGIES, extractAnswer, type ExtractStrategy } from "./extract.js";
import { MAX_ANSWER_CHARS } from "./normalize.js";
import { ReferenceCache } from "./reference.js";
import { parseAnswer, type ParseOptions } from "./value.js";

export interface MathAnswerJudgeConfig {
  readonly answer: { readonly field: string };
  readonly extract: readonly ExtractStrategy[];
  /** Relative tolerance for non-integer numbers (1e-6 in the plan's defaults). */
  readonly tolerance: number;
  /** Use the CAS (expressions, roots, π, symbolic equivalence) beyond literal numbers. */
  readonly symbolic: boolean;
}

export type { ExtractStrategy } from "./extract.js";

interface Settings {
  readonly field: string;
  readonly extract: readonly ExtractStrategy[];
  readonly tolerance: number;
  readonly parse: ParseOptions;
}

export function createMathAnswerJudge(name: string, config: MathAnswerJudgeConfig): Judge {
  const settings = validate(name, config);
  // Pay the CAS's one-time load now, at start-up, rather than inside the first verdict.
  if (settings.parse.symbolic) loadParser();
  const references = new ReferenceCache(settings.parse);
  return {
    name,
    variant: "math_answer",
    evaluate(sample: Sample): Judgement {
      try {
        return judge(sample, settings, references);
      } catch (error) {
        // Defensive only: every path above is bounded and total, but a judge must not throw.
        return judgeError("internal_error", error instanceof Error ? error.message.slice(0, 120) : "unknown");
      }
    },
  };
}

function judge(sample: Sample, settings: Settings, references: ReferenceCache): Judgement {
  const expected = references.resolve(settings.field, sample.fields[settings.field]);
  if (!Array.isArray(expected)) return expected;
  const found = extractAnswer(sample.response, settings.extract);
  if (found === null) return violated("no_answer_found");
  if (found.text.length > MAX_ANSWER_CHARS) {
    return violated("answer_mismatch", `${found.strategy} answer is ${found.text.length} chars (max ${MAX_ANSWER_CHARS})`);
  }
  const answer = parseAnswer(found.text, settings.parse);
  if (answer === null) return violated("no_answer_found", `${found.strategy} found an empty answer`);
  for (const reference of expected) {
    if (equivalent(answer, reference, settings.tolerance)) return satisfied("answer_match", found.strategy);
  }
  const shown = expected.map((reference) => quote(reference.canonical, 60)).join(" or ");
  return violated("answer_mismatch", `extracted ${quote(answer.canonical, 60)} (${found.strategy}), expected ${shown}`);
}

function validate(name: string, config: MathAnswerJudgeConfig): Settings {
  const site: ConfigSite = { judge: name, variant: "math_answer" };
  const answer = config.answer as unknown;
  if (typeof answer !== "object" || answer === null) {
    throw new JudgeConfigError(site, "answer", 'expected field("...") naming the reference answer');
  }
  const field = requireString(site, "answer.field", (answer as { field?: unknown }).field);
  if (field === "") throw new JudgeConfigError(site, "answer.field", "expected a non-empty field name");
  const extract = config.extract as unknown;
  if (!Array.isArray(extract) || extract.length === 0) {
    throw new JudgeConfigError(site, "extract", `expected a non-empty list of ${EXTRACT_STRATEGIES.join(" | ")}`);
  }
  for (const [index, strategy] of extract.entries()) {
    if (!EXTRACT_STRATEGIES.includes(strategy as ExtractStrategy)) {
      throw new JudgeConfigError(site, `extract[${index}]`, `expected one of ${EXTRACT_STRATEGIES.join(" | ")}`);
    }
    if (extract.indexOf(strategy) !== index) throw new JudgeConfigError(site, `extract[${index}]`, `"${String(strategy)}" is listed twice`);
  }
  const tolerance = config.tolerance as unknown;
  if (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0 || tolerance >= 1) {
    throw new JudgeConfigError(site, "tolerance", "expected a relative tolerance in [0, 1), e.g. 1e-6");
  }
  const symbolic = requireBoolean(site, "symbolic", config.symbolic);
  return { field, extract: extract as ExtractStrategy[], tolerance, parse: { symbolic } };
}
