/**
 * Regular expressions in judges (a regex judge's pattern, an llm_judge's parse_pattern) are
 * compiled by the judge server; an invalid one would make every verdict an error.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";
import { parsePatternProblem, regexProblem } from "./support/regex.js";

export const validRegexCode: CodeInfo = {
  code: "AL4012",
  severity: "error",
  title: "invalid regular expression",
  description:
    "A regex judge's `pattern` and `flags`, and an llm_judge's `parse_pattern`, must be valid " +
    "JavaScript regular expressions; `parse_pattern` must also have a capturing group, whose " +
    "text is compared with the positive and negative answers. A regex judge's flags are d, i, m, " +
    "s, u or v (not g or y), and its pattern has no nested quantifier such as `(a+)+`, which " +
    "backtracks catastrophically on hostile responses. The judge server applies the same check.",
  example: 'judge j = regex { pattern = "([0-9]+" }\n',
};

export const validRegexRule: Rule = {
  name: "ValidRegex",
  codes: [validRegexCode.code],
  check(context) {
    const out = [];
    for (const [name, judge] of judgesOf(context, "regex")) {
      const problem = regexProblem(judge.pattern, judge.flags);
      if (problem !== null) out.push(report(context, name, problem.field, problem.message));
    }
    for (const [name, judge] of judgesOf(context, "llm_judge")) {
      const problem = judge.parse_pattern === null ? null : parsePatternProblem(judge.parse_pattern);
      if (problem !== null) out.push(report(context, name, "parse_pattern", problem));
    }
    return out;
  },
};

function report(context: RuleContext, judge: string, field: string, problem: string) {
  return context.diagnostic(validRegexCode.code, context.spanOf(pointer("judges", judge, field)), `the ${field} of judge \`${judge}\`: ${problem}`);
}
