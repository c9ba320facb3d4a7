/**
 * The memory estimate the plan carries per stage (`plan.estimates`, schema in
 * compiler/plan/schema.ts) and `align plan` prints. Sizes are bytes **per GPU** (per process
 * on a CPU cluster) under the sharding chosen:
 *
 * ```jsonc
 * {
 *   "per_gpu_bytes": 43842350336,      // the larger phase: see `peakBytes`
 *   "gpu_memory_bytes": 85899345920,   // null on CPU clusters
 *   "fits": true,                      // null when the capacity is unknown
 *   "sharding": "fsdp",                // none (one device) | ddp | fsdp; auto resolved: ddp when it fits
 *   "breakdown": { "weights": ..., "grads": ..., "optimizer": ..., "reference": ...,
 *                  "reward": ..., "kv_cache": ..., "activations": ...,
 *                  "rollout_copy": ... }
 * }
 * ```
 * A stage whose trained or served model has an unknown size gets no estimate at all.
 */
export interface MemoryEstimate {
  readonly per_gpu_bytes: number;
  readonly gpu_memory_bytes: number | null;
  readonly fits: boolean | null;
  readonly sharding: "none" | "ddp" | "fsdp";
  readonly breakdown: Record<string, number>;
}

/** Bytes per GPU of each part of a stage's footprint. */
export interface MemoryComponents {
  /** The trained model's fp32 master weights (plus LoRA adapters), or a served model in its dtype. */
  readonly weights: number;
  /** fp32 gradients of the trainable parameters. */
  readonly grads: number;
  /** AdamW state: fp32 moments (8 B per trainable parameter). */
  readonly optimizer: number;
  /** The frozen reference model (dpo, cgpo). */
  readonly reference: number;
  /** Frozen reward models of the stage's tasks (cgpo). */
  readonly reward: number;
  /** Key/value cache for generation. */
  readonly kv_cache: number;
  /** Training activations (rough; with or without gradient checkpointing), logits and one fp32 log-softmax block. */
  readonly activations: number;
  /**
   * What rollouts of an FSDP policy decode through (runtime/worker/align_worker/replica.py): a
   * whole copy in the policy's dtype, or this GPU's tensor-parallel share of one when the whole
   * copy does not fit, or nothing when neither fits (rollouts then decode through the shards).
   */
  readonly rollout_copy: number;
}

/** What the estimator knows about a stage, beyond what the plan records. */
export interface StageMemory {
  readonly stage: string;
  readonly variant: string;
  readonly sharding: "none" | "ddp" | "fsdp";
  /** Data-parallel ranks: nodes × gpus_per_node (processes on CPU). */
  readonly gpus: number;
  readonly gpu: string | undefined;
  readonly components: MemoryComponents;
  readonly total: number;
  readonly capacity: number | null;
  readonly fits: boolean | null;
  /** Models and rewards of unknown size, left out of the total (which is then a lower bound). */
  readonly unknownModels: readonly string[];
  /** Models whose shape was guessed from a parameter count: a failing estimate only warns. */
  readonly guessedShapes: readonly string[];
  readonly assumptions: readonly string[];
}

/**
 * The part of the plan the estimator reads. Deliberately loose (`object` values, read with
 * guards) so that the plan type inferred from the zod schema is assignable to it, and the
 * estimator keeps working on partial plans (ill-typed declarations are left out).
 */
export interface EstimatePlan {
  readonly models: Readonly<Record<string, object>>;
  readonly rewards?: Readonly<Record<string, object>>;
  readonly tasks?: Readonly<Record<string, object>>;
  readonly stages: Readonly<Record<string, object>>;
  readonly cluster?: object | null;
}

export interface EstimateIO {
  /** Reads a file relative to the root recipe's directory (a local model's config.json). */
  readFile?(relativePath: string): string | undefined;
  /** The local Hugging Face hub cache (absolute), where `hf(...)` models' config.json may be. */
  readonly hubCache?: string;
}
