/**
 * What is wrong with a judge's regular expression, if anything: the one definition used by
 * `align check` (rule ValidRegex) and by the judges the server builds (the regex judge, the
 * llm_judge's parse_pattern), so a recipe `check` accepts is never refused by `serve`.
 */
import { findNestedQuantifier } from "./regexSafety.js";

/** `g` and `y` make `test` stateful (lastIndex) and mean nothing for a one-shot check. */
const ALLOWED_FLAGS = new Set(["d", "i", "m", "s", "u", "v"]);

/** The characters that make a pattern more than literal text. */
const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}]/;

/** Allowed flags (checked before) are refused by RegExp only when one repeats or u meets v. */
function flagsValid(flags: string): boolean {
  return new Set(flags).size === flags.length && !(flags.includes("u") && flags.includes("v"));
}

function syntaxError(pattern: string, flags: string): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    return `invalid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : String(error)}`;
  }
}

/** A regex judge's `pattern` and `flags`: allowed flags, no nested quantifier, valid syntax. */
export function regexProblem(pattern: string, flags: string): { field: "pattern" | "flags"; message: string } | null {
  for (const flag of flags) {
    if (!ALLOWED_FLAGS.has(flag)) {
      const why = flag === "g" || flag === "y" ? " (the judge tests once per response; anchor with ^ instead)" : "";
      return { field: "flags", message: `flag "${flag}" is not allowed${why}; use d, i, m, s, u or v` };
    }
  }
  // Plain text (a phrase to find or avoid, the usual pattern) is valid in every mode: nothing
  // to parse twice. Only the flags could still be refused (repeated, or u with v).
  if (!REGEX_SYNTAX.test(pattern) && flagsValid(flags)) return null;
  const nested = findNestedQuantifier(pattern);
  if (nested !== null) {
    const message = `nested quantifier ${nested} can backtrack catastrophically on hostile responses; rewrite it without repeating a repeated group`;
    return { field: "pattern", message };
  }
  const invalid = syntaxError(pattern, flags);
  return invalid === null ? null : { field: "pattern", message: invalid };
}

/** An llm_judge's `parse_pattern`: valid syntax (no flags) and a capturing group for the answer. */
export function parsePatternProblem(pattern: string): string | null {
  const invalid = syntaxError(pattern, "");
  if (invalid !== null) return invalid;
  const groups = (new RegExp(`${pattern}|`).exec("")?.length ?? 1) - 1;
  return groups < 1 ? "it has no capturing group (wrap the part holding the answer in parentheses, e.g. `Answer: (True|False)`)" : null;
}
