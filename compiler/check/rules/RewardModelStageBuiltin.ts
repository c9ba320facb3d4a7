/**
 * The worker trains a reward model from the built-in transformer only (a scalar head on its
 * last token); a Hugging Face sequence-classification head is not trained yet. Say so at check
 * time rather than when the stage starts.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

type Obj = Record<string, unknown>;

export const rewardModelStageBuiltinCode: CodeInfo = {
  code: "AL4354",
  severity: "error",
  title: "reward_model stage on a model it cannot train",
  description:
    "A `reward_model` stage starts from a declared `builtin(...)` model and adds a scalar " +
    "head. Hugging Face models (`hf`, `local`), endpoints and other stages' outputs are not " +
    "supported as its starting point yet; train a Hugging Face reward model elsewhere and " +
    "use it with `reward r { from = hf(\"org/rm\") }` or `local(...)`.",
  example:
    'model m { from = hf("org/m-1b") }\ndataset d = jsonl("d.jsonl") { chosen = "c"  rejected = "r" }\n' +
    "stage rm = reward_model { model = m  data = [d] }\n",
};

export const rewardModelStageBuiltinRule: Rule = {
  name: "RewardModelStageBuiltin",
  codes: [rewardModelStageBuiltinCode.code],
  check(context) {
    const { plan } = context;
    return Object.entries(plan.stages).flatMap(([name, stage]) => {
      if (stage.variant !== "reward_model") return [];
      const model = (stage.model as Obj)["model"];
      const from = typeof model === "string" ? ((plan.models[model] as Obj | undefined)?.["from"] as Obj | undefined) : undefined;
      if (typeof model === "string" && (from === undefined || from["type"] === "builtin")) return [];
      const what = typeof model === "string" ? `\`${model}\` is a ${String(from?.["type"])} model` : "it starts from another stage's output";
      return [
        context.diagnostic(rewardModelStageBuiltinCode.code, context.spanOf(pointer("stages", name, "model")), `reward_model stage \`${name}\` trains builtin(...) models only; ${what}`, {
          help: "declare `model m { from = builtin(...) }` for it, or use a trained Hugging Face reward model as `reward r { from = hf(...) }`",
        }),
      ];
    });
  },
};
