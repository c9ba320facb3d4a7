/**
 * GRPO's and RLOO's baselines are computed from the other samples of the same prompt: with one
 * generation per prompt, GRPO's advantage is always 0 and RLOO's leave-one-out mean is empty.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const groupBaselineNeedsTwoGenerationsCode: CodeInfo = {
  code: "AL4350",
  severity: "error",
  title: "GRPO or RLOO with fewer than two generations",
  description:
    "GRPO subtracts the mean reward of each prompt's group of samples and RLOO the mean of the " +
    "prompt's other samples. With `generations = 1` GRPO's advantage is always zero (nothing is " +
    "learned) and RLOO has no other sample to compare with. Use `generations >= 2` (the " +
    "published setups use 4 to 64).",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = grpo { generations = 1 }\n}\n",
};

export const groupBaselineNeedsTwoGenerationsRule: Rule = {
  name: "GroupBaselineNeedsTwoGenerations",
  codes: [groupBaselineNeedsTwoGenerationsCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      if ((optimizer.variant !== "grpo" && optimizer.variant !== "rloo") || optimizer.generations >= 2) return [];
      const span = context.spanOf(pointer("tasks", name, "optimizer", "generations"));
      const method = optimizer.variant.toUpperCase();
      return [
        context.diagnostic(
          groupBaselineNeedsTwoGenerationsCode.code,
          span,
          `task \`${name}\` uses ${method} with ${optimizer.generations} generation per prompt; its baseline needs at least 2`,
          {
            notes: [
              optimizer.variant === "grpo"
                ? "GRPO's advantage is the reward minus its prompt group's mean: with one sample it is always 0"
                : "RLOO's baseline is the mean reward of the prompt's other samples: with one sample there are none",
            ],
            help: "set `generations = 2` or more (GRPO and RLOO are usually run with 4 to 16)",
            ...(span ? { fix: { title: "set `generations = 4`", edits: [{ span, newText: "4" }] } } : {}),
          },
        ),
      ];
    });
  },
};
