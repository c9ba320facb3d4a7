/**
 * A stage whose estimated per-GPU memory exceeds the GPU's: weights, grads, optimizer state,
 * reference and reward models, the rollout phase (KV cache, rollout copy) or the training
 * phase (grads, activations), whichever is larger, under the chosen sharding. Stages
 * whose model size is unknown are not estimated and never reported.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { baseModelName, describeComponents, estimateStages, formatGiB, type StageMemory } from "../../estimate/index.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const modelFitsGpusCode: CodeInfo = {
  code: "AL6001",
  severity: "error",
  title: "model does not fit the GPUs",
  description:
    "The memory estimate of a stage exceeds one GPU's memory. It counts the weights, " +
    "gradients and AdamW state (fp32 moments plus an fp32 master copy for bf16/fp16) of the " +
    "trained parameters, frozen reference and reward models, and the larger of two phases: " +
    "generation (its KV cache and, under fsdp, the copy of the policy rollouts decode through: " +
    "whole in its dtype, or a tensor-parallel share over a node's GPUs when the whole does not " +
    "fit) and training (gradients and rough activations); ddp replicates all of it on every " +
    "GPU, fsdp divides weights, gradients and optimizer state over all GPUs. Sizes come from `params`, the built-in " +
    "model, a local config.json, or well-known Hugging Face ids. Shard with fsdp, train LoRA " +
    "adapters, enable gradient checkpointing, or add GPUs.",
  example:
    'model policy { from = hf("meta-llama/Meta-Llama-3-70B") }\ndataset d = jsonl("d.jsonl")\n' +
    "stage s = sft { model = policy  data = [d] }\ncluster { gpus_per_node = 8  gpu = h100_80gb  sharding = ddp }\n",
};

export const estimateShapeGuessedCode: CodeInfo = {
  code: "AL6051",
  severity: "warning",
  title: "memory estimate over the GPU with a guessed model shape",
  description:
    "The stage's memory estimate exceeds one GPU's memory, but the shape of its model " +
    "(layers, width, key/value heads) was guessed from a parameter count, and the guess " +
    "ignores grouped-query attention, so the KV cache may be several times too large. This " +
    "is a warning, never an error: give the shape with `from = local(\"dir\")` (a directory " +
    "with the checkpoint's config.json), or put the model in the local Hugging Face cache " +
    "(`huggingface-cli download ORG/NAME config.json`); `params` overrides the size only.",
  example:
    'model policy { from = hf("acme/Secret-70B") }\ndataset d = jsonl("d.jsonl")\n' +
    "stage s = sft { model = policy  data = [d] }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n",
};

export const modelFitsGpusRule: Rule = {
  name: "ModelFitsGpus",
  codes: [modelFitsGpusCode.code, estimateShapeGuessedCode.code],
  check(context) {
    const io = { readFile: (path: string) => context.readFile(path), hubCache: context.hubCache };
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
  const guessed = estimate.guessedShapes.length > 0;
  const notes = [
    `${estimate.sharding === "fsdp" ? `fsdp over ${estimate.gpus} GPUs` : `${estimate.sharding} on each of ${estimate.gpus} GPU${estimate.gpus > 1 ? "s" : ""}`}: ${describeComponents(estimate.components)} (GiB)`,
    ...(estimate.assumptions.length > 0 ? [`assuming ${estimate.assumptions.join("; ")}`] : []),
    ...(estimate.unknownModels.length > 0 ? [`not counted (size unknown): ${estimate.unknownModels.join(", ")}`] : []),
  ];
  if (guessed) {
    const names = estimate.guessedShapes.map((n) => `\`${n}\``).join(", ");
    return context.diagnostic(
      estimateShapeGuessedCode.code,
      context.spanOf(pointer("stages", estimate.stage, field)),
      `stage \`${estimate.stage}\` may need ~${formatGiB(estimate.total)} GiB per GPU (${gpu} has ${formatGiB(estimate.capacity!)} GiB), but the shape of ${names} is guessed`,
      { notes, help: `give the shape: \`from = local("dir")\` with its config.json, or the model in the local Hugging Face cache (\`params\` sets the size only)` },
    );
  }
  return context.diagnostic(
    modelFitsGpusCode.code,
    context.spanOf(pointer("stages", estimate.stage, field)),
    `stage \`${estimate.stage}\` needs ~${formatGiB(estimate.total)} GiB per GPU but ${gpu} has ${formatGiB(estimate.capacity!)} GiB`,
    { notes, help: remedy(context, estimate, sharded) },
  );
}

/** What would lower the estimate, never a change the recipe already has. */
function remedy(context: RuleContext, estimate: StageMemory, sharded: StageMemory | undefined): string {
  const stage = (context.plan.stages[estimate.stage] ?? {}) as Readonly<Record<string, unknown>>;
  const modelName = baseModelName(context.plan, stage["model"] ?? stage["policy"]);
  const model = (modelName === undefined ? undefined : context.plan.models[modelName]) as Readonly<Record<string, unknown>> | undefined;
  const options: string[] = [];
  if (estimate.sharding !== "fsdp" && estimate.gpus > 1 && sharded) {
    const verdict = sharded.fits ? "which fits" : "still too much";
    options.push(`shard with \`sharding = fsdp\` in the cluster (~${formatGiB(sharded.total)} GiB per GPU, ${verdict})`);
  }
  const hasLora = model?.["lora"] != null || stage["lora"] != null;
  if (estimate.components.optimizer > 0 && !hasLora) options.push("train LoRA adapters (`lora { rank = 16 }`)");
  if (estimate.components.activations > 0.2 * estimate.total) {
    if (model?.["gradient_checkpointing"] !== true) options.push("set `gradient_checkpointing = true` on the model");
    if (stage["micro_batch_size"] !== 1) options.push("lower `micro_batch_size`");
  }
  if (estimate.components.kv_cache > 0.2 * estimate.total) options.push("lower the tasks' `batch_size` or `max_tokens`");
  options.push("add GPUs");
  return options.join(", or ");
}
