/** A task's weight ρ scales its loss in `Σ ρ_l · loss_l`; a negative weight trains against the task. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const nonNegativeTaskWeightCode: CodeInfo = {
  code: "AL4004",
  severity: "error",
  title: "negative task weight",
  description:
    "The multi-task loss is `Σ ρ_l · loss_l`. A negative ρ maximises the task's loss, i.e. " +
    "trains the policy to violate its judges and lower its reward. Use 0 to disable a task.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = crpg {}\n  weight = -0.5\n}\n",
};

export const nonNegativeTaskWeightRule: Rule = {
  name: "NonNegativeTaskWeight",
  codes: [nonNegativeTaskWeightCode.code],
  check(context) {
    return Object.entries(context.plan.tasks)
      .filter(([, task]) => task.weight < 0)
      .map(([name, task]) =>
        context.diagnostic(
          nonNegativeTaskWeightCode.code,
          context.spanOf(pointer("tasks", name, "weight")),
          `task \`${name}\` has a negative weight (${task.weight})`,
          { help: "task weights ρ must be >= 0; use 0 to switch a task off" },
        ),
      );
  },
};
