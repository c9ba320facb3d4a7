/**
 * GRPO puts β·KL in the loss, differentiated per token. The k1 estimate log π − log π_ref has the
 * gradient ∇log π there, whose expectation over tokens sampled from π is zero: the penalty does
 * nothing on average and only adds noise (Tang & Munos 2025; it is the reason DeepSeekMath
 * uses k3). k1 belongs in the reward, as RLOO and PPO put it.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const grpoKlEstimatorInLossCode: CodeInfo = {
  code: "AL4352",
  severity: "warning",
  title: "GRPO's k1 KL penalty has no gradient in expectation",
  description:
    "GRPO adds `kl_coef · KL` to the loss and differentiates it per token. With " +
    "`kl_estimator = k1` that term is `log π − log π_ref`, whose gradient `∇ log π` averages to " +
    "zero over tokens the policy sampled itself: the penalty does not hold the policy near the " +
    "reference, it only adds noise. Use `k3` (DeepSeekMath's choice, the default), or set " +
    "`kl_coef = 0` if you want no penalty, or put the KL in the reward with `rloo`.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = grpo { kl_estimator = k1 }\n}\n",
};

export const grpoKlEstimatorInLossRule: Rule = {
  name: "GrpoKlEstimatorInLoss",
  codes: [grpoKlEstimatorInLossCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      if (optimizer.variant !== "grpo" || optimizer.kl_estimator !== "k1" || optimizer.kl_coef === 0) return [];
      const span = context.spanOf(pointer("tasks", name, "optimizer", "kl_estimator"));
      return [
        context.diagnostic(
          grpoKlEstimatorInLossCode.code,
          span,
          `task \`${name}\` penalises GRPO's loss with the k1 KL estimate; its gradient is zero in expectation`,
          {
            notes: ["in the loss, k1 = log π − log π_ref differentiates to ∇ log π, which averages to 0 over sampled tokens"],
            help: "use `kl_estimator = k3`, or `kl_coef = 0` for no penalty",
            ...(span ? { fix: { title: "set `kl_estimator = k3`", edits: [{ span, newText: "k3" }] } } : {}),
          },
        ),
      ];
    });
  },
};
