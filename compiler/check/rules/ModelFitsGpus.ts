/**
 * A stage whose estimated per-GPU memory exceeds the GPU's: weights, grads, optimizer state,
 * reference and reward models, KV cache and activations under the chosen sharding. Stages
 * whose model size is unknown are not estimated and never reported.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { describeComponents, estimateStages, formatGiB, type StageMemory } from "../../estimate/index.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { baseModel } from "./support/baseModel.js";
import type { Plan } from "../../plan/types.js";

export const modelFitsGpusCode: CodeInfo = {
  code: "AL6001",
  severity: "error",
  title: "model does not fit the GPUs",
  description:
    "The memory estimate of a stage exceeds one GPU's memory. It counts the weights, " +
    "gradients and AdamW state (fp32 moments plus an fp32 master copy for bf16/fp16) of the " +
    "trained parameters, frozen reference and reward models, the KV cache of generation and " +
    "rough activations; ddp replicates all of it on every GPU, fsdp divides weights, " +
    "gradients and optimizer state over all GPUs. Sizes come from `params`, the built-in " +
    "model, a local config.json, or well-known Hugging Face ids. Shard with fsdp, train LoRA " +
    "adapters, enable gradient checkpointing, or add GPUs.",
  example:
    'model policy { from = hf("meta-llama/Meta-Llama-3-70B") }\ndataset d = jsonl("d.jsonl")\n' +
    "stage s = sft { model = policy  data = [d] }\ncluster { gpus_per_node = 8  gpu = h100_80gb  sharding = ddp }\n",
};

export const modelFitsGpusRule: Rule = {
  name: "ModelFitsGpus",
  codes: [modelFitsGpusCode.code],
  check(context) {
    const io = { readFile: (path: string) => context.readFile(path) };
    const failing = Object.values(estimateStages(context.plan, io)).filter((estimate) => estimate.fits === false);
    if (failing.length === 0) return [];
    // What sharding would give, for the help of stages that replicate on several GPUs.
    const sharded = estimateStages({ ...context.plan, cluster: { ...context.plan.cluster, sharding: "fsdp" } }, io);
    return failing.map((estimate) => report(context, estimate, sharded[estimate.stage]));
  },
};

function report(context: RuleContext, estimate: StageMemory, sharded: StageMemory | undefined) {
  const stage = context.plan.stages[estimate.stage];
  const field = stage?.variant === "cgpo" ? "policy" : "model";
  const gpu = estimate.gpu ?? "the GPU";
  const notes = [
    `${estimate.sharding === "fsdp" ? `fsdp over ${estimate.gpus} GPUs` : `${estimate.sharding} on each of ${estimate.gpus} GPU${estimate.gpus > 1 ? "s" : ""}`}: ${describeComponents(estimate.components)} (GiB)`,
    ...(estimate.assumptions.length > 0 ? [`assuming ${estimate.assumptions.join("; ")}`] : []),
    ...(estimate.unknownModels.length > 0 ? [`not counted (size unknown): ${estimate.unknownModels.join(", ")}`] : []),
  ];
  return context.diagnostic(
    modelFitsGpusCode.code,
    context.spanOf(pointer("stages", estimate.stage, field)),
    `stage \`${estimate.stage}\` needs ~${formatGiB(estimate.total)} GiB per GPU but ${gpu} has ${formatGiB(estimate.capacity!)} GiB`,
    { notes, help: remedy(estimate, sharded, checkpointing(context.plan, stage as Record<string, unknown> | undefined)) },
  );
}

/** True when the stage's model already has `gradient_checkpointing = true`. */
function checkpointing(plan: Plan, stage: Record<string, unknown> | undefined): boolean {
  const model = stage === undefined ? undefined : baseModel(plan, stage["model"] ?? stage["policy"]);
  return model !== undefined && (plan.models[model] as { gradient_checkpointing?: boolean } | undefined)?.gradient_checkpointing === true;
}

function remedy(estimate: StageMemory, sharded: StageMemory | undefined, checkpointed: boolean): string {
  const options: string[] = [];
  if (estimate.sharding !== "fsdp" && estimate.gpus > 1 && sharded) {
    const verdict = sharded.fits ? "which fits" : "still too much";
    options.push(`shard with \`sharding = fsdp\` in the cluster (~${formatGiB(sharded.total)} GiB per GPU, ${verdict})`);
  }
  if (estimate.components.optimizer > 0) options.push("train LoRA adapters (`lora { rank = 16 }`)");
  const activations = estimate.components.activations;
  if (activations > 0.2 * estimate.total) {
    options.push(checkpointed ? "lower `micro_batch_size`" : "set `gradient_checkpointing = true` on the model or lower `micro_batch_size`");
  }
  options.push("add GPUs");
  return options.join(", or ");
}
