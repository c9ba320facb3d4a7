import type { z } from "zod";
import type { judgeSchema, memoryEstimateSchema, modelSchema, planSchema, rewardSchema, stageSchema, taskSchema, datasetSchema, clusterSchema } from "./schema.js";

/** plan.json as a TypeScript type (docs/plan.md); inferred from the zod plan schema. */
export type Plan = z.infer<typeof planSchema>;
export type PlanModel = z.infer<typeof modelSchema>;
export type PlanReward = z.infer<typeof rewardSchema>;
export type PlanDataset = z.infer<typeof datasetSchema>;
export type PlanJudge = z.infer<typeof judgeSchema>;
export type PlanTask = z.infer<typeof taskSchema>;
export type PlanStage = z.infer<typeof stageSchema>;
export type PlanCluster = z.infer<typeof clusterSchema>;
/** The plan's sections of named declarations, each a map sorted by name. */
export type NamedSection = "models" | "rewards" | "datasets" | "judges" | "tasks" | "stages";
export type MemoryEstimate = z.infer<typeof memoryEstimateSchema>;
export type { DataPlan, ModelPlan, TemplatePlan } from "../schema/fields.js";
