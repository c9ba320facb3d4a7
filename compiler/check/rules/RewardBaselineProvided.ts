/**
 * A reward with `baseline = field("reference")` calibrates against that field of each
 * prompt, so every prompt source of every task using the reward must provide it.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule } from "../rule.js";
import { fieldsOfData, listFields } from "./support/dataFields.js";
import { pointer } from "./support/pointer.js";

export const rewardBaselineProvidedCode: CodeInfo = {
  code: "AL5009",
  severity: "error",
  title: "reward baseline field not provided by the data",
  description:
    "The calibrated reward `sigmoid(r(a) - r(ā))` takes the baseline ā from a data field when " +
    "the reward declares `baseline = field(\"x\")`. A prompt source of a task using that reward " +
    "does not map `x`, so the reward cannot be computed for its prompts.",
  example:
    'dataset chat = jsonl("chat.jsonl")\nreward r { from = hf("org/rm")  baseline = field("reference") }\n' +
    "task t { prompts = [chat]  reward = r  optimizer = crpg {} }\n",
};

export const rewardBaselineProvidedRule: Rule = {
  name: "RewardBaselineProvided",
  codes: [rewardBaselineProvidedCode.code],
  check(context) {
    const { plan } = context;
    return Object.entries(plan.tasks).flatMap(([taskName, task]) => {
      const rewardName = task.reward.reward;
      const baseline = plan.rewards[rewardName]?.baseline;
      if (baseline?.type !== "field") return [];
      return task.prompts.flatMap(({ dataset }, index) => {
        const data = fieldsOfData(plan, { dataset });
        if (!data || data.fields.has(baseline.field)) return [];
        const related = context.spanOf(pointer("rewards", rewardName, "baseline"));
        return [
          context.diagnostic(
            rewardBaselineProvidedCode.code,
            context.spanOf(pointer("tasks", taskName, "prompts", index)),
            `reward \`${rewardName}\` of task \`${taskName}\` takes its baseline from field \`${baseline.field}\`, which dataset \`${dataset}\` does not provide`,
            {
              notes: [`dataset \`${dataset}\` provides: ${listFields(data.fields)}`],
              help: didYouMean(baseline.field, data.fields) ?? `map a column to \`${baseline.field}\` in dataset \`${dataset}\``,
              ...(related ? { related: [{ span: related, message: "the baseline is declared here" }] } : {}),
            },
          ),
        ];
      });
    });
  },
};
