/**
 * On GPUs, a stage whose model size the estimate cannot find is not checked against GPU memory
 * at all (AL6001 needs a size): say so, and name the field that gives the size, rather than
 * skipping the estimate silently.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { baseModelName, estimateStages } from "../../estimate/index.js";
import type { Rule, RuleContext } from "../rule.js";
import { nameList, pointer } from "./support/pointer.js";

export const modelSizeKnownCode: CodeInfo = {
  code: "AL6005",
  severity: "info",
  title: "model size unknown: memory not estimated",
  description:
    "The memory estimate (AL6001) needs each model's size: from `params`, the built-in model, " +
    "a local config.json (`from = local(\"dir\")`, or the model in the local Hugging Face " +
    "cache) or a well-known Hugging Face id. When a recipe runs on GPUs and a model's size is " +
    "none of these, the stages that load it are not checked against GPU memory; this note " +
    "names the model. Set `params` on it (e.g. `params = 7e9`) to have the estimate.",
  example:
    'model policy { from = hf("acme/house-model") }\ndataset d = jsonl("d.jsonl")\n' +
    "stage s = sft { model = policy  data = [d] }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n",
};

const ESTIMATED = new Set(["sft", "dpo", "cgpo", "generate", "eval"]);

export const modelSizeKnownRule: Rule = {
  name: "ModelSizeKnown",
  codes: [modelSizeKnownCode.code],
  check(context) {
    const { plan } = context;
    if (plan.cluster.gpus_per_node === 0) return [];
    const estimates = estimateStages(plan, { readFile: (path: string) => context.readFile(path), hubCache: context.hubCache });
    const unknown = new Map<string, Set<string>>(); // "models/NAME" or "rewards/NAME" -> stages
    const add = (key: string, stage: string) => unknown.set(key, (unknown.get(key) ?? new Set()).add(stage));
    for (const [name, stage] of Object.entries(plan.stages)) {
      if (!ESTIMATED.has(stage.variant)) continue;
      const estimate = estimates[name];
      if (estimate === undefined) {
        const fields = stage as unknown as Readonly<Record<string, unknown>>;
        const model = baseModelName(plan, fields["model"] ?? fields["policy"]);
        if (model !== undefined && plan.models[model] !== undefined) add(`models/${model}`, name);
        continue;
      }
      for (const other of estimate.unknownModels) add(plan.rewards[other] !== undefined ? `rewards/${other}` : `models/${other}`, name);
    }
    return [...unknown].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, stages]) => report(context, key, [...stages].sort()));
  },
};

function report(context: RuleContext, key: string, stages: string[]) {
  const [kind, name] = key.split("/") as ["models" | "rewards", string];
  const what = kind === "rewards" ? "reward" : "model";
  const counted = stages.length === 1 ? `stage ${nameList(stages)}` : `stages ${nameList(stages)}`;
  return context.diagnostic(
    modelSizeKnownCode.code,
    context.spanOf(pointer(kind, name, "from")),
    `the size of ${what} \`${name}\` is unknown, so the GPU memory of ${counted} is not estimated`,
    { help: `set \`params\` on ${what} \`${name}\` (e.g. \`params = 7e9\`), or give its config.json with \`from = local("dir")\`` },
  );
}
