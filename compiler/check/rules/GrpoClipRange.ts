/**
 * GRPO and PPO clip the per-token ratio π/π_old to [1 − ε, 1 + ε]. ε = 0 makes the clipped branch a
 * constant and (past the first update) removes the gradient; ε ≥ 1 puts the lower bound at or
 * below 0, where it never binds, so a negative advantage can push the ratio to 0 unclipped.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const grpoClipRangeCode: CodeInfo = {
  code: "AL4351",
  severity: "error",
  title: "GRPO or PPO clip range outside (0, 1)",
  description:
    "`clip_eps` is ε of the clipped ratio `clip(π/π_old, 1 − ε, 1 + ε)`. At 0 every ratio away " +
    "from 1 is clipped and its token gets no gradient; at 1 or more the lower bound 1 − ε is " +
    "not positive and never binds. The published setups use 0.2 (DeepSeekMath, TRL, verl); " +
    "DAPO raises only the upper bound, to 0.28.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = grpo { clip_eps = 0 }\n}\n",
};

export const grpoClipRangeRule: Rule = {
  name: "GrpoClipRange",
  codes: [grpoClipRangeCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      if ((optimizer.variant !== "grpo" && optimizer.variant !== "ppo") || (optimizer.clip_eps > 0 && optimizer.clip_eps < 1)) return [];
      const span = context.spanOf(pointer("tasks", name, "optimizer", "clip_eps"));
      const effect = optimizer.clip_eps <= 0 ? "every ratio away from 1 is clipped and gets no gradient" : "the lower bound 1 − ε is not positive and never binds";
      return [
        context.diagnostic(grpoClipRangeCode.code, span, `task \`${name}\` has clip_eps = ${optimizer.clip_eps}; ${effect}`, {
          help: "use 0 < clip_eps < 1, usually 0.2",
          ...(span ? { fix: { title: "set `clip_eps = 0.2`", edits: [{ span, newText: "0.2" }] } } : {}),
        }),
      ];
    });
  },
};
