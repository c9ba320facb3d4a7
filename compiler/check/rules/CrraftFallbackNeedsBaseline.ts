/**
 * CRRAFT's `fallback = baseline` trains on the baseline response ā when no sample survives;
 * that needs the task's reward to declare where ā comes from.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const crraftFallbackNeedsBaselineCode: CodeInfo = {
  code: "AL4006",
  severity: "error",
  title: "CRRAFT fallback without a baseline",
  description:
    "With `fallback = baseline`, CRRAFT trains on the baseline response ā of a prompt when " +
    "none of its samples is feasible within the KL threshold. The task's reward must then " +
    "declare a baseline (`baseline = field(\"reference\")` or `generated(model)`); otherwise " +
    "use `fallback = skip`.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = crraft { fallback = baseline }\n}\n",
};

export const crraftFallbackNeedsBaselineRule: Rule = {
  name: "CrraftFallbackNeedsBaseline",
  codes: [crraftFallbackNeedsBaselineCode.code],
  check(context) {
    const { plan } = context;
    return Object.entries(plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      const reward = plan.rewards[task.reward.reward];
      if (optimizer.variant !== "crraft" || optimizer.fallback !== "baseline" || reward?.baseline.type !== "none") return [];
      const rewardSpan = context.spanOf(pointer("rewards", task.reward.reward));
      return [
        context.diagnostic(
          crraftFallbackNeedsBaselineCode.code,
          context.spanOf(pointer("tasks", name, "optimizer", "fallback")),
          `task \`${name}\` falls back to the baseline response, but its reward \`${task.reward.reward}\` has no baseline`,
          {
            help: `declare \`baseline = field("reference")\` (or \`generated(model)\`) on reward \`${task.reward.reward}\`, or use \`fallback = skip\``,
            ...(rewardSpan ? { related: [{ span: rewardSpan, message: "the reward is declared here" }] } : {}),
          },
        ),
      ];
    });
  },
};
