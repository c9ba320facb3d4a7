/**
 * regex judge: the response matches (or does not match) a pattern. The pattern is compiled once
 * at creation; an invalid pattern, a meaningless flag or a nested quantifier is a config error.
 */

import type { Judge, Judgement, Sample } from "../types.js";
import { judgeError, satisfied, violated } from "../types.js";
import { JudgeConfigError, requireEnum, requireString, type ConfigSite } from "./config-error.js";
import { enableBacktrackFallback } from "./regex-guard.js";
import { regexProblem } from "../../../compiler/check/rules/support/regex.js";
import { quote } from "./text.js";

export interface RegexJudgeConfig {
  readonly pattern: string;
  readonly flags: string;
  readonly expect: "match" | "no_match";
}

export interface RegexLimits {
  /** Longer responses are not matched at all (error `input_too_long`): see docs/judges/rules.md. */
  readonly maxInputChars?: number;
}

/** 16 Ki characters: about 4,000 tokens, far above typical RLHF generation lengths. */
export const REGEX_MAX_INPUT_CHARS = 16 * 1024;

/** The compiler's check, so that `align check` and the server refuse the same patterns. */
export { regexProblem };

export function createRegexJudge(name: string, config: RegexJudgeConfig, limits: RegexLimits = {}): Judge {
  const site: ConfigSite = { judge: name, variant: "regex" };
  const regex = compilePattern(site, config);
  const expect = requireEnum(site, "expect", config.expect, ["match", "no_match"] as const);
  const maxInput = limits.maxInputChars ?? REGEX_MAX_INPUT_CHARS;
  const wantMatch = expect === "match";
  return {
    name,
    variant: "regex",
    evaluate(sample: Sample): Judgement {
      const text = sample.response;
      if (text.length > maxInput) {
        return judgeError("input_too_long", `${text.length} chars > ${maxInput}`);
      }
      const matched = regex.test(text);
      if (matched === wantMatch) return satisfied(matched ? "pattern_matched" : "pattern_not_matched");
      if (!matched) return violated("pattern_not_matched");
      // Only the violation path pays for a second run, to show what matched.
      const found = regex.exec(text);
      return violated("pattern_matched", found ? `matched ${quote(found[0])}` : undefined);
    },
  };
}

function compilePattern(site: ConfigSite, config: RegexJudgeConfig): RegExp {
  const pattern = requireString(site, "pattern", config.pattern);
  const flags = requireString(site, "flags", config.flags ?? "");
  const problem = regexProblem(pattern, flags);
  if (problem !== null) throw new JudgeConfigError(site, problem.field, problem.message);
  // Before compiling: V8 reads the fallback flags when a regex is created.
  enableBacktrackFallback();
  return new RegExp(pattern, flags);
}
