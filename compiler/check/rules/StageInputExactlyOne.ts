/**
 * A generate stage reads either `prompts` or `from`; an eval stage either `tasks` or
 * `prompts` (with `judges`). Both or neither leaves the input ambiguous or missing.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const stageInputExactlyOneCode: CodeInfo = {
  code: "AL4015",
  severity: "error",
  title: "stage input missing or given twice",
  description:
    "A `generate` stage takes exactly one of `prompts` (a prompt source) and `from` (rows " +
    "to continue, e.g. an earlier stage). An `eval` stage takes exactly one of `tasks` and " +
    "`prompts`.",
  example: 'model m { from = hf("org/m-7b") }\nstage g = generate { model = m }\n',
};

export const stageInputExactlyOneRule: Rule = {
  name: "StageInputExactlyOne",
  codes: [stageInputExactlyOneCode.code],
  check(context) {
    return Object.entries(context.plan.stages).flatMap(([name, stage]) => {
      if (stage.variant === "generate") return check(context, name, "prompts", stage.prompts !== null, "from", stage.from !== null);
      if (stage.variant === "eval") return check(context, name, "tasks", stage.tasks !== null, "prompts", stage.prompts !== null);
      return [];
    });
  },
};

function check(context: RuleContext, stage: string, first: string, hasFirst: boolean, second: string, hasSecond: boolean) {
  if (hasFirst !== hasSecond) return [];
  const message = hasFirst
    ? `stage \`${stage}\` sets both \`${first}\` and \`${second}\`; it takes one of them`
    : `stage \`${stage}\` has no input: set \`${first}\` or \`${second}\``;
  const at = hasFirst ? pointer("stages", stage, second) : pointer("stages", stage);
  return [context.diagnostic(stageInputExactlyOneCode.code, context.spanOf(at), message)];
}
