/**
 * CRPG's gate `max(1 - log_ratio / kl_max, 0)` and CRRAFT's filter `log_ratio <= kl_max`
 * need a positive threshold: zero divides by zero, a negative one inverts the gate.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const klMaxPositiveCode: CodeInfo = {
  code: "AL4003",
  severity: "error",
  title: "kl_max is not positive",
  description:
    "`kl_max` is the per-sample KL threshold of CRPG's gate and CRRAFT's filter. At 0 the " +
    "gate divides by zero; below 0 it rewards moving away from the reference. Use a small " +
    "positive number such as 0.1.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = crpg { kl_max = 0 }\n}\n",
};

export const klMaxPositiveRule: Rule = {
  name: "KlMaxPositive",
  codes: [klMaxPositiveCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      if (!("kl_max" in optimizer) || optimizer.kl_max > 0) return [];
      const effect = optimizer.variant === "crpg" ? "the KL gate" : "the KL filter";
      return [
        context.diagnostic(
          klMaxPositiveCode.code,
          context.spanOf(pointer("tasks", name, "optimizer", "kl_max")),
          `task \`${name}\` has kl_max = ${optimizer.kl_max}; ${effect} of ${optimizer.variant.toUpperCase()} needs a positive threshold`,
          { help: "use a positive value, e.g. `kl_max = 0.1` (looser for math/code, stricter for chat)" },
        ),
      ];
    });
  },
};
