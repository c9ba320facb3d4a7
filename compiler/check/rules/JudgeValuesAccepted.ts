/**
 * Values the schema's types allow but the judge server refuses when it builds the judges: an
 * empty positive or negative token of an llm_judge (nothing to compare the answer with), and a
 * zero timeout of an llm_judge or a custom judge (every call would time out). Refused here, so
 * `align serve` and `align run` do not stop on them later.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const judgeValuesAcceptedCode: CodeInfo = {
  code: "AL4055",
  severity: "error",
  title: "judge value the server refuses",
  description:
    "An llm_judge's `positive` and `negative` are the tokens its answer is compared with; " +
    "neither may be empty. An llm_judge's or a custom judge's `timeout` must be above zero. " +
    "The judge server refuses these when it starts, so `align check` does too.",
  example: 'model j { from = endpoint("http://judge:8000/v1", model = "j") }\njudge tone = llm_judge { model = j  template = "{response}"  timeout = 0s }\n',
};

export const judgeValuesAcceptedRule: Rule = {
  name: "JudgeValuesAccepted",
  codes: [judgeValuesAcceptedCode.code],
  check(context) {
    const out = [];
    for (const [name, judge] of judgesOf(context, "llm_judge")) {
      for (const field of ["positive", "negative"] as const) {
        if (judge[field] === "") out.push(report(context, name, field, `the ${field} token of judge \`${name}\` is empty`, `write the token the judge answers with, e.g. \`${field} = "${field === "positive" ? "True" : "False"}"\``));
      }
      if (judge.timeout <= 0) out.push(timeoutReport(context, name));
    }
    for (const [name, judge] of judgesOf(context, "custom")) if (judge.timeout <= 0) out.push(timeoutReport(context, name));
    return out;
  },
};

function timeoutReport(context: RuleContext, judge: string) {
  return report(context, judge, "timeout", `judge \`${judge}\` has timeout = 0s, so every call would time out`, "give it time, e.g. `timeout = 30s`");
}

function report(context: RuleContext, judge: string, field: string, message: string, help: string) {
  return context.diagnostic(judgeValuesAcceptedCode.code, context.spanOf(pointer("judges", judge, field)), message, { help });
}
