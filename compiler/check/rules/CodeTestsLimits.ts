/** A code_tests judge's limits must be ones the judge server accepts (same bounds, one place). */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { CODE_TESTS_BOUNDS, codeTestsLimitProblem, type CodeTestsBounded } from "./support/codeTestsBounds.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const codeTestsLimitsCode: CodeInfo = {
  code: "AL4200",
  severity: "error",
  title: "code_tests limit out of range",
  description:
    "A code_tests judge's `timeout` must be above 0 and at most 1h, its `memory` at least " +
    "32MiB (the interpreter needs that much to start), and its `processes` between 1 and 4096. " +
    "The judge server refuses to build a judge outside these bounds.",
  example: "judge tests = code_tests { memory = 1MiB }\n",
};

const UNITS: Readonly<Record<CodeTestsBounded, string>> = { timeout: "seconds", memory: "bytes", processes: "processes" };

export const codeTestsLimitsRule: Rule = {
  name: "CodeTestsLimits",
  codes: [codeTestsLimitsCode.code],
  check(context) {
    return judgesOf(context, "code_tests").flatMap(([name, judge]) => {
      return (Object.keys(CODE_TESTS_BOUNDS) as CodeTestsBounded[]).flatMap((field) => {
        const value = judge[field];
        const problem = typeof value === "number" ? codeTestsLimitProblem(field, value) : null;
        if (problem === null) return [];
        const message = `the ${field} of judge \`${name}\` is ${value} ${UNITS[field]}; it ${problem}`;
        return [context.diagnostic(codeTestsLimitsCode.code, context.spanOf(pointer("judges", name, field)), message)];
      });
    });
  },
};
