/** A length judge with min > max can never be satisfied; with neither it always is. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const lengthJudgeBoundsCode: CodeInfo = {
  code: "AL4013",
  severity: "error",
  title: "length judge bounds are empty",
  description:
    "A `length` judge is satisfied when the response's length lies in [min, max]. With " +
    "`min > max` no response satisfies it, so every sample is infeasible and CGPO learns " +
    "nothing from the task. With neither `min` nor `max` every response satisfies it, and " +
    "the judge server refuses it.",
  example: "judge short = length { min = 100  max = 10 }\n",
};

export const lengthJudgeBoundsRule: Rule = {
  name: "LengthJudgeBounds",
  codes: [lengthJudgeBoundsCode.code],
  check(context) {
    return judgesOf(context, "length").flatMap(([name, judge]) => {
      if (judge.min === null && judge.max === null) {
        return [
          context.diagnostic(lengthJudgeBoundsCode.code, context.spanOf(pointer("judges", name)), `judge \`${name}\` sets neither \`min\` nor \`max\`, so every response satisfies it`, {
            help: "set `min`, `max` or both",
          }),
        ];
      }
      if (judge.min === null || judge.max === null || judge.min <= judge.max) return [];
      return [
        context.diagnostic(
          lengthJudgeBoundsCode.code,
          context.spanOf(pointer("judges", name, "min")),
          `judge \`${name}\` requires at least ${judge.min} and at most ${judge.max} ${judge.unit}, which no response satisfies`,
          { help: "swap the bounds or fix one of them" },
        ),
      ];
    });
  },
};
