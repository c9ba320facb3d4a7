/**
 * LoRA adapters are applied with PEFT to a Hugging Face model; the built-in transformer has no
 * adapter support, so `lora` on it (on the model, or on an SFT stage that trains it, through any
 * chain of stages) would be ignored or fail at run time.
 */
import type { Plan } from "../../plan/types.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { baseModelName } from "../../estimate/index.js";
import { pointer } from "./support/pointer.js";

type Obj = Record<string, unknown>;

export const loraNeedsHfModelCode: CodeInfo = {
  code: "AL4050",
  severity: "error",
  title: "LoRA on a model that is not a Hugging Face model",
  description:
    "LoRA adapters are added with PEFT to a Hugging Face model (`hf(...)` or `local(...)`). " +
    "The built-in transformer and endpoint models take no adapters: train the built-in model " +
    "in full (remove `lora`), or start from a Hugging Face model.",
  example:
    'model m { from = builtin() }\ndataset d = jsonl("d.jsonl") { target = "t" }\n' +
    "stage s = sft { model = m  data = [d]  lora { rank = 8 } }\n",
};

function sourceType(plan: Plan, model: string): string | undefined {
  const from = (plan.models[model] as Obj | undefined)?.["from"] as Obj | undefined;
  return typeof from?.["type"] === "string" ? from["type"] : undefined;
}

const ADAPTABLE = new Set(["hf", "local"]);

export const loraNeedsHfModelRule: Rule = {
  name: "LoraNeedsHfModel",
  codes: [loraNeedsHfModelCode.code],
  check(context) {
    const { plan } = context;
    const found: { at: string; model: string; type: string; owner: string }[] = [];
    for (const [name, model] of context.entriesOf("models")) {
      if ((model as Obj)["lora"] == null) continue;
      const type = sourceType(plan, name);
      if (type !== undefined && !ADAPTABLE.has(type)) found.push({ at: pointer("models", name, "lora"), model: name, type, owner: `model \`${name}\`` });
    }
    for (const [name, stage] of Object.entries(plan.stages)) {
      const s = stage as Obj;
      if (s["lora"] == null) continue;
      const model = baseModelName(plan, s["model"]);
      const type = model === undefined ? undefined : sourceType(plan, model);
      if (model !== undefined && type !== undefined && !ADAPTABLE.has(type)) found.push({ at: pointer("stages", name, "lora"), model, type, owner: `stage \`${name}\`` });
    }
    return found.map((f) =>
      context.diagnostic(loraNeedsHfModelCode.code, context.spanOf(f.at), `${f.owner} trains LoRA adapters, but model \`${f.model}\` is a ${f.type}(...) model`, {
        notes: ["LoRA adapters are added with PEFT to Hugging Face models only"],
        help: f.type === "builtin" ? "remove `lora` to train the built-in model in full, or start from `hf(\"org/model\")`" : "start from `hf(\"org/model\")`",
      }),
    );
  },
};
