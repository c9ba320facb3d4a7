/**
 * Memory estimates per stage. `estimateStages` gives the details the AL6 rule reports;
 * `estimateMemory` gives the plan's `estimates` (compiler/plan/schema.ts). Both are pure
 * apart from the optional `io.readFile`, used for local checkpoints' config.json.
 */
import { formatGiB, gpuCapacity } from "./gpus.js";
import { asObj, num, str } from "./read.js";
import { estimateStage, type StageContext, type StageEstimate } from "./stage.js";
import type { EstimateIO, EstimatePlan, MemoryComponents, MemoryEstimate, StageMemory } from "./types.js";

export type { EstimateIO, EstimatePlan, MemoryComponents, MemoryEstimate, StageMemory } from "./types.js";
export { GPU_MEMORY, formatGiB, gpuCapacity } from "./gpus.js";
export { GENERATION_BATCH, PROMPT_TOKENS } from "./stage.js";
export { baseModelName } from "./models.js";

/** The plan's `estimates`: one entry per stage that runs a model of known size. */
export function estimateMemory(plan: EstimatePlan, io: EstimateIO = {}): Record<string, MemoryEstimate> {
  const out: Record<string, MemoryEstimate> = {};
  for (const [name, memory] of Object.entries(estimateStages(plan, io))) out[name] = toPlanEstimate(memory);
  return out;
}

export function toPlanEstimate(memory: StageMemory): MemoryEstimate {
  return {
    per_gpu_bytes: memory.total,
    gpu_memory_bytes: memory.capacity,
    fits: memory.fits,
    sharding: memory.sharding,
    breakdown: { ...memory.components },
  };
}

/** Detailed estimates, keyed by stage name in sorted order. */
export function estimateStages(plan: EstimatePlan, io: EstimateIO = {}): Record<string, StageMemory> {
  const cluster = asObj(plan.cluster);
  const gpusPerNode = num(cluster, "gpus_per_node") ?? 0;
  const gpu = gpusPerNode > 0 ? str(cluster, "gpu") : undefined;
  const capacity = gpusPerNode > 0 ? gpuCapacity(gpu, num(cluster, "gpu_memory")) : null;
  const setup: Setup = {
    context: { plan, io, ranks: Math.max(1, (num(cluster, "nodes") ?? 1) * Math.max(1, gpusPerNode)), gpusPerNode, capacity },
    sharding: str(cluster, "sharding") ?? "auto",
    capacity,
    gpu,
  };
  const estimates: Record<string, StageMemory> = {};
  for (const name of Object.keys(plan.stages).sort()) {
    const stage = asObj(plan.stages[name]);
    const estimate = stage ? estimateWithSharding(setup, name, stage) : undefined;
    if (estimate) estimates[name] = estimate;
  }
  return estimates;
}

interface Setup {
  readonly context: StageContext;
  readonly sharding: string;
  readonly capacity: number | null;
  readonly gpu: string | undefined;
}

/** `auto` follows the runtime: ddp when a replica fits one GPU, else FSDP over all of them. */
function estimateWithSharding(setup: Setup, name: string, stage: Readonly<Record<string, unknown>>): StageMemory | undefined {
  const ranks = setup.context.ranks;
  const ddp = estimateStage(setup.context, stage, 1);
  if (!ddp) return undefined;
  if (ranks === 1) return finish(setup, name, stage, "none", ddp);
  const replicaFits = setup.capacity === null || peakBytes(ddp.components) <= setup.capacity;
  if (setup.sharding === "ddp" || (setup.sharding === "auto" && replicaFits)) return finish(setup, name, stage, "ddp", ddp);
  return finish(setup, name, stage, "fsdp", estimateStage(setup.context, stage, ranks) ?? ddp);
}

/**
 * Peak bytes per GPU: what a rank keeps through the stage (weights, optimizer state, frozen
 * models) plus the larger of two phases that never overlap in the worker: a rollout (the KV
 * cache and the rollout copy) and a training micro-batch (gradients, freed after each optimizer
 * step, and activations). Stages without rollouts have no first phase: the sum of all parts.
 */
export function peakBytes(c: MemoryComponents): number {
  const resident = c.weights + c.optimizer + c.reference + c.reward;
  return resident + Math.max(c.kv_cache + c.rollout_copy, c.grads + c.activations);
}

function finish(setup: Setup, name: string, stage: Readonly<Record<string, unknown>>, sharding: StageMemory["sharding"], estimate: StageEstimate): StageMemory {
  // Whole bytes, so the plan is byte-identical whatever the float formatting.
  const components = Object.fromEntries(
    Object.entries(estimate.components).map(([key, value]) => [key, Math.ceil(value)]),
  ) as unknown as MemoryComponents;
  const total = peakBytes(components);
  return {
    stage: name,
    variant: str(stage, "variant") ?? "",
    sharding,
    gpus: setup.context.ranks,
    gpu: setup.gpu,
    components,
    total,
    capacity: setup.capacity,
    fits: setup.capacity === null ? null : total <= setup.capacity,
    unknownModels: [...new Set(estimate.unknownModels)].sort(),
    guessedShapes: [...new Set(estimate.guessedShapes)].sort(),
    assumptions: estimate.assumptions,
  };
}

const LABELS: Readonly<Record<keyof MemoryComponents, string>> = {
  weights: "weights",
  grads: "grads",
  optimizer: "Adam",
  reference: "reference",
  reward: "reward models",
  kv_cache: "KV cache",
  activations: "activations",
  rollout_copy: "rollout copy",
};

/** "weights 130.4, grads 130.4, Adam 782.3, ..." — the non-zero components in GiB. */
export function describeComponents(components: MemoryComponents | Readonly<Record<string, number>>): string {
  const bytes = components as Readonly<Record<string, number>>;
  return Object.entries(LABELS)
    .filter(([key]) => (bytes[key] ?? 0) > 0)
    .map(([key, label]) => `${label} ${formatGiB(bytes[key] ?? 0)}`)
    .join(", ");
}

/** One line for `align plan`: total, capacity, sharding and the breakdown. */
export function describeEstimate(estimate: MemoryEstimate, gpu?: string): string {
  const capacity = estimate.gpu_memory_bytes === null ? "" : ` of ${formatGiB(estimate.gpu_memory_bytes)} GiB${gpu ? ` (${gpu})` : ""}`;
  return `~${formatGiB(estimate.per_gpu_bytes)} GiB per GPU${capacity}, ${estimate.sharding} (${describeComponents(estimate.breakdown)})`;
}
