/**
 * The terms of the estimate, each a small formula on an architecture. Rough by design: the
 * point is to catch a 70B full fine-tune on one node before a cluster job dies of OOM after
 * an hour in the queue, not to predict allocator fragmentation.
 */
import { loraParams, type Architecture } from "./architecture.js";
import type { ModelInfo } from "./models.js";

/** Bytes of fp32 AdamW moments (m and v) per trainable parameter. */
const ADAM_BYTES = 8;
/** The worker trains fp32 master weights (and fp32 gradients) under bf16/fp16 autocast. */
const MASTER_BYTES = 4;
/**
 * Activation bytes per token, layer and hidden unit for a 16-bit transformer layer
 * (Korthikanti et al.'s 34·s·b·h, with flash attention removing the s² term).
 */
const ACTIVATION_FACTOR = 34;
/** Positions per fp32 log-softmax block of the worker's log-prob gather (generation.py). */
const LOGPROB_BLOCK_TOKENS = 128;

export interface TrainableTerms {
  readonly weights: number;
  readonly grads: number;
  /** AdamW moments. */
  readonly optimizer: number;
}

/**
 * Weights, grads and optimizer state of a trained model, divided by `shards`, as the worker
 * holds them: the whole model in fp32 (it loads a trained model in fp32 and computes under
 * autocast; with LoRA the frozen base too), fp32 gradients and AdamW moments of the
 * trainable parameters.
 */
export function trainableTerms(model: ModelInfo, arch: Architecture, lora: ModelInfo["lora"], shards: number): TrainableTerms {
  void model;
  const trainable = lora ? loraParams(arch, lora.rank, lora.targets) : arch.params;
  const adapters = lora ? trainable : 0;
  return {
    weights: ((arch.params + adapters) * MASTER_BYTES) / shards,
    grads: (trainable * MASTER_BYTES) / shards,
    optimizer: (trainable * ADAM_BYTES) / shards,
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
 * Activations kept for the backward pass of one micro-batch of `tokens` tokens (`rows`
 * sequences): every layer's internals without checkpointing; with it, each layer's input plus
 * one layer's internals being recomputed. Then the logits in the compute dtype, and one fp32
 * log-softmax block of the chunked gather (the whole batch's fp32 logits are never held).
 */
export function activationBytes(arch: Architecture, bytesPerParam: number, tokens: number, checkpointing: boolean, rows = 1): number {
  const layerInternals = ACTIVATION_FACTOR * arch.hidden * (bytesPerParam / 2) * tokens;
  const layers = checkpointing
    ? arch.layers * arch.hidden * bytesPerParam * tokens + layerInternals
    : arch.layers * layerInternals;
  const block = Math.min(tokens, rows * LOGPROB_BLOCK_TOKENS) * arch.vocab * 4 * 2;
  return layers + tokens * arch.vocab * bytesPerParam + block;
}
