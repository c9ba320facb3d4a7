import { z } from "zod";
import { objectSchema } from "../schema/fields.js";
import { jsonlVariant } from "../schema/kinds/dataset.js";
import { clusterFields, launchVariantFields, recipeFields } from "../schema/kinds/infra.js";
import { judgeCommon, judgeVariantFields } from "../schema/kinds/judges.js";
import { modelFields, rewardFields } from "../schema/kinds/models.js";
import { stageOutputs, stageVariantFields } from "../schema/kinds/stages.js";
import { taskFields } from "../schema/kinds/tasks.js";
import type { FieldMap } from "../schema/types.js";
import { PLAN_VERSION } from "../version.js";

/**
 * The zod schema of plan.json (docs/plan.md), derived from the schema registry. It is the
 * source of the `Plan` type and of docs/plan.schema.json. Loading this module loads zod, so
 * the `check` path never imports it.
 */


const name = z.string();

function judgeObject<const N extends string, F extends FieldMap>(variant: N, fields: F) {
  return z.object({
    variant: z.literal(variant),
    ...objectSchema(z, judgeCommon).shape,
    ...objectSchema(z, fields).shape,
  });
}

function stageObject<const N extends keyof typeof stageOutputs, F extends FieldMap>(variant: N, fields: F) {
  return z.object({
    variant: z.literal(variant),
    needs: z.array(name).describe("The stages this stage reads from, sorted."),
    output: z.literal(stageOutputs[variant]),
    ...objectSchema(z, fields).shape,
  });
}

export const modelSchema = objectSchema(z, modelFields).describe("A model (docs/plan.md § model).");
export const rewardSchema = objectSchema(z, rewardFields).describe("A reward model.");

export const datasetSchema = z
  .object({
    type: z.literal("jsonl"),
    path: z.string(),
    fields: z.record(z.string(), z.string()).describe("Logical field → column name (prompt always present)."),
    limit: z.number().int().nullable(),
    shuffle: z.boolean(),
  })
  .describe(jsonlVariant.doc);

const j = judgeVariantFields;
export const judgeSchema = z.discriminatedUnion("variant", [
  judgeObject("math_answer", j.math_answer),
  judgeObject("code_tests", j.code_tests),
  judgeObject("instructions", j.instructions),
  judgeObject("regex", j.regex),
  judgeObject("contains", j.contains),
  judgeObject("length", j.length),
  judgeObject("json", j.json),
  judgeObject("llm_judge", j.llm_judge),
  judgeObject("custom", j.custom),
]);

export const taskSchema = objectSchema(z, taskFields).describe("A CGPO task.");

const s = stageVariantFields;
export const stageSchema = z.discriminatedUnion("variant", [
  stageObject("generate", s.generate),
  stageObject("judge", s.judge),
  stageObject("render", s.render),
  stageObject("sft", s.sft),
  stageObject("dpo", s.dpo),
  stageObject("reward_model", s.reward_model),
  stageObject("cgpo", s.cgpo),
  stageObject("eval", s.eval),
]);

export const clusterSchema = objectSchema(z, clusterFields).describe("The machines.");

const l = launchVariantFields;
export const launchSchema = z
  .object({
    kubernetes: objectSchema(z, l.kubernetes).optional(),
    local: objectSchema(z, l.local).optional(),
    ray: objectSchema(z, l.ray).optional(),
    skypilot: objectSchema(z, l.skypilot).optional(),
    slurm: objectSchema(z, l.slurm).optional(),
    torchrun: objectSchema(z, l.torchrun).optional(),
  })
  .describe("Declared launch targets, by target name.");

/** A stage's per-GPU memory estimate (computed by compiler/estimate; bytes per GPU). */
export const memoryEstimateSchema = z.object({
  per_gpu_bytes: z.number().describe("Peak bytes on one GPU (per process on a CPU cluster)."),
  gpu_memory_bytes: z.number().nullable().describe("Memory of one GPU; null on CPU."),
  fits: z.boolean().nullable().describe("Whether per_gpu_bytes fits gpu_memory_bytes; null when unknown."),
  sharding: z.enum(["none", "ddp", "fsdp"]).describe("The sharding the estimate assumes (auto resolved)."),
  breakdown: z.record(z.string(), z.number()).describe("Bytes per component: weights, grads, optimizer, activations, kv_cache, reference, reward models."),
});

export const planSchema = z
  .object({
    version: z.literal(PLAN_VERSION),
    compiler: z.object({ name: z.literal("align"), version: z.string() }),
    recipe: z.object({
      name: z.string().describe("The recipe's name (the file's basename when there is no `recipe` declaration)."),
      seed: recipeFields.seed.build(z),
      file: z.string().describe("The root recipe file, relative to its directory."),
      description: recipeFields.description.build(z),
      output_dir: recipeFields.output_dir.build(z),
      max_judge_error_rate: recipeFields.max_judge_error_rate.build(z),
      tracking: recipeFields.tracking.build(z),
    }),
    models: z.record(name, modelSchema),
    rewards: z.record(name, rewardSchema),
    datasets: z.record(name, datasetSchema),
    judges: z.record(name, judgeSchema),
    tasks: z.record(name, taskSchema),
    stages: z.record(name, stageSchema),
    stage_order: z.array(name).describe("A topological order of the stage DAG."),
    cluster: clusterSchema,
    launch: launchSchema,
    estimates: z.record(name, memoryEstimateSchema),
    provenance: z.record(z.string(), z.string()).describe("JSON Pointer → `file:line:col` or `default`."),
  })
  .describe("plan.json: the resolved recipe the runtime executes (docs/plan.md).");
