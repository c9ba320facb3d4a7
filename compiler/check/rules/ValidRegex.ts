/**
 * Regular expressions in judges (a regex judge's pattern, an llm_judge's parse_pattern) are
 * compiled by the judge server; an invalid one would make every verdict an error.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const validRegexCode: CodeInfo = {
  code: "AL4012",
  severity: "error",
  title: "invalid regular expression",
  description:
    "A regex judge's `pattern` and `flags`, and an llm_judge's `parse_pattern`, must be valid " +
    "JavaScript regular expressions; `parse_pattern` must also have a capturing group, whose " +
    "text is compared with the positive and negative answers.",
  example: 'judge j = regex { pattern = "([0-9]+" }\n',
};

/** The error message of compiling the pattern, or undefined when it compiles. */
export function regexError(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : String(error);
  }
}

function groupCount(pattern: string): number {
  return (new RegExp(`${pattern}|`).exec("")?.length ?? 1) - 1;
}

export const validRegexRule: Rule = {
  name: "ValidRegex",
  codes: [validRegexCode.code],
  check(context) {
    return Object.entries(context.plan.judges).flatMap(([name, judge]) => {
      if (judge.variant === "regex") return checkPattern(context, name, judge.pattern, judge.flags, "pattern", false);
      if (judge.variant === "llm_judge" && judge.parse_pattern !== null) {
        return checkPattern(context, name, judge.parse_pattern, "", "parse_pattern", true);
      }
      return [];
    });
  },
};

function checkPattern(context: RuleContext, judge: string, pattern: string, flags: string, field: string, needsGroup: boolean) {
  const error = regexError(pattern, flags);
  const span = context.spanOf(pointer("judges", judge, error && /flag/i.test(error) ? "flags" : field));
  if (error) {
    return [context.diagnostic(validRegexCode.code, span, `the ${field} of judge \`${judge}\` is not a valid regular expression: ${error}`)];
  }
  if (needsGroup && groupCount(pattern) < 1) {
    return [
      context.diagnostic(validRegexCode.code, span, `the parse_pattern of judge \`${judge}\` has no capturing group`, {
        help: "wrap the part holding the answer in parentheses, e.g. `Answer: (True|False)`",
      }),
    ];
  }
  return [];
}
