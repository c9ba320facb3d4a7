/** A cgpo stage whose tasks all weigh zero computes a zero loss: it trains nothing. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const someTaskWeightNonZeroCode: CodeInfo = {
  code: "AL4005",
  severity: "error",
  title: "all task weights are zero",
  description:
    "A cgpo stage's loss is `Σ ρ_l · loss_l` over its tasks. When every ρ is 0 the loss is " +
    "identically zero and the stage spends its steps generating and judging without learning.",
  example:
    'model m { from = hf("org/m") }\ndataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = crpg {}\n  weight = 0\n}\n" +
    "stage rl = cgpo { policy = m  tasks = [t]  steps = 10 }\n",
};

export const someTaskWeightNonZeroRule: Rule = {
  name: "SomeTaskWeightNonZero",
  codes: [someTaskWeightNonZeroCode.code],
  check(context) {
    const { plan } = context;
    return Object.entries(plan.stages).flatMap(([name, stage]) => {
      if (stage.variant !== "cgpo") return [];
      const tasks = stage.tasks.map(({ task }) => plan.tasks[task]);
      // A task left out of the plan (ill-typed) has an unknown weight: stay silent.
      if (tasks.length === 0 || tasks.some((task) => task === undefined || task.weight !== 0)) return [];
      return [
        context.diagnostic(
          someTaskWeightNonZeroCode.code,
          context.spanOf(pointer("stages", name, "tasks")),
          `every task of cgpo stage \`${name}\` has weight 0, so its loss is always zero`,
          { help: "give at least one task a positive `weight`" },
        ),
      ];
    });
  },
};
