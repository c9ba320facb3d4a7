/** An llm_judge compares the positive and negative answers; equal answers decide nothing. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const judgeTokensDistinctCode: CodeInfo = {
  code: "AL4014",
  severity: "error",
  title: "llm_judge positive and negative answers are the same",
  description:
    "An llm_judge decides by comparing the probabilities (or the parsed text) of its " +
    "`positive` and `negative` answers. When both are the same string, the comparison is a " +
    "tie on every sample.",
  example:
    'model m { from = endpoint("http://judge:8000/v1", model = "j") }\n' +
    'judge j = llm_judge { model = m  template = "{response}"  positive = "Yes"  negative = "Yes" }\n',
};

export const judgeTokensDistinctRule: Rule = {
  name: "JudgeTokensDistinct",
  codes: [judgeTokensDistinctCode.code],
  check(context) {
    return judgesOf(context, "llm_judge").flatMap(([name, judge]) => {
      if (judge.positive.trim() !== judge.negative.trim()) return [];
      return [
        context.diagnostic(
          judgeTokensDistinctCode.code,
          context.spanOf(pointer("judges", name, "negative")),
          `judge \`${name}\` has the same positive and negative answer (\`${judge.positive}\`)`,
          { help: 'use two different answers, e.g. `positive = "True"  negative = "False"`' },
        ),
      ];
    });
  },
};
