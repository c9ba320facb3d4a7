/**
 * The terms of the estimate, each a small formula on an architecture. Rough by design: the
 * point is to catch a 70B full fine-tune on one node before a cluster job dies of OOM after
 * an hour in the queue, not to predict allocator fragmentation.
 */
import { loraParams, type Architecture } from "./architecture.js";
import type { ModelInfo } from "./models.js";

/** Bytes of fp32 AdamW moments (m and v) per trainable parameter. */
const ADAM_BYTES = 8;
/** Bytes of the fp32 master copy kept when the model trains in a 16-bit dtype. */
const MASTER_BYTES = 4;
/**
 * Activation bytes per token, layer and hidden unit for a 16-bit transformer layer
 * (Korthikanti et al.'s 34·s·b·h, with flash attention removing the s² term).
 */
const ACTIVATION_FACTOR = 34;

export interface TrainableTerms {
  readonly weights: number;
  readonly grads: number;
  /** Adam moments plus, for 16-bit models, the fp32 master copy. */
  readonly optimizer: number;
}

/** Weights, grads and optimizer state of a trained model, divided by `shards`. */
export function trainableTerms(model: ModelInfo, arch: Architecture, lora: ModelInfo["lora"], shards: number): TrainableTerms {
  const bytes = model.bytesPerParam;
  const trainable = lora ? loraParams(arch, lora.rank, lora.targets) : arch.params;
  const adapters = lora ? trainable * bytes : 0;
  return {
    weights: (arch.params * bytes + adapters) / shards,
    grads: (trainable * bytes) / shards,
    optimizer: (trainable * (ADAM_BYTES + (bytes < MASTER_BYTES ? MASTER_BYTES : 0))) / shards,
  };
}

/** Frozen weights (reference, reward, served model), divided by `shards`. */
export function frozenWeights(model: ModelInfo, shards: number): number {
  return model.arch ? (model.arch.params * model.bytesPerParam) / shards : 0;
}

/** K and V for every layer of `sequences` sequences of `tokens` tokens each. */
export function kvCacheBytes(arch: Architecture, bytesPerParam: number, sequences: number, tokens: number): number {
  return sequences * tokens * arch.layers * 2 * arch.kvDim * bytesPerParam;
}

/**
 * Activations kept for the backward pass of one micro-batch of `tokens` tokens: every
 * layer's internals without checkpointing; with it, each layer's input plus one layer's
 * internals being recomputed. The fp32 logits over the vocabulary are added either way.
 */
export function activationBytes(arch: Architecture, bytesPerParam: number, tokens: number, checkpointing: boolean): number {
  const layerInternals = ACTIVATION_FACTOR * arch.hidden * (bytesPerParam / 2) * tokens;
  const layers = checkpointing
    ? arch.layers * arch.hidden * bytesPerParam * tokens + layerInternals
    : arch.layers * layerInternals;
  return layers + tokens * arch.vocab * 4;
}
