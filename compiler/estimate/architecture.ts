/**
 * Model shapes for the memory estimate. A size comes from, in order: the declared `params`,
 * the built-in transformer's configuration, a local checkpoint's config.json, a table of a
 * few well-known public architectures, or a size written in a Hugging Face id ("-70B").
 * Anything else is unknown, and an unknown size never produces a diagnostic.
 */

export interface Architecture {
  readonly params: number;
  readonly hidden: number;
  readonly layers: number;
  /** hidden × kv_heads / heads: the width of one of K or V per token and layer. */
  readonly kvDim: number;
  readonly vocab: number;
  /** Maximum sequence length when known (the built-in model's context). */
  readonly context?: number;
  /** Whether hidden/layers were measured or guessed from the parameter count. */
  readonly shapeGuessed: boolean;
}

interface Shape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly tied?: boolean;
  readonly gated?: boolean;
}

/** Public config.json values of architectures the bundled recipes and papers use. */
const KNOWN: readonly { readonly pattern: RegExp; readonly shape: Shape }[] = [
  { pattern: /llama-?3(\.\d)?-70b/, shape: { hidden: 8192, layers: 80, heads: 64, kvHeads: 8, intermediate: 28672, vocab: 128256 } },
  { pattern: /llama-?3(\.\d)?-8b|llama-guard-[23]-8b/, shape: { hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336, vocab: 128256 } },
  { pattern: /llama-2-70b/, shape: { hidden: 8192, layers: 80, heads: 64, kvHeads: 8, intermediate: 28672, vocab: 32000 } },
  { pattern: /llama-2-13b/, shape: { hidden: 5120, layers: 40, heads: 40, kvHeads: 40, intermediate: 13824, vocab: 32000 } },
  { pattern: /llama-2-7b|llama-7b|alpaca-7b/, shape: { hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 11008, vocab: 32000 } },
  { pattern: /mistral-7b/, shape: { hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336, vocab: 32000 } },
  {
    pattern: /chatglm-6b/,
    shape: { hidden: 4096, layers: 28, heads: 32, kvHeads: 32, intermediate: 16384, vocab: 130528, tied: true, gated: false },
  },
];

/** Parameter count of a decoder-only transformer with the given shape. */
export function paramsOfShape(shape: Shape): number {
  const kvDim = (shape.hidden * shape.kvHeads) / shape.heads;
  const attention = 2 * shape.hidden * shape.hidden + 2 * shape.hidden * kvDim;
  const mlp = (shape.gated === false ? 2 : 3) * shape.hidden * shape.intermediate;
  const embeddings = shape.vocab * shape.hidden * (shape.tied ? 1 : 2);
  return shape.layers * (attention + mlp + 2 * shape.hidden) + embeddings + shape.hidden;
}

function fromShape(shape: Shape, params?: number): Architecture {
  return {
    params: params ?? paramsOfShape(shape),
    hidden: shape.hidden,
    layers: shape.layers,
    kvDim: (shape.hidden * shape.kvHeads) / shape.heads,
    vocab: shape.vocab,
    shapeGuessed: false,
  };
}

/**
 * A plausible Llama-like shape for a bare parameter count (P ≈ 12·L·h²), used only for the
 * KV-cache, activation and LoRA terms; the weights themselves use the exact count.
 */
export function guessFromParams(params: number): Architecture {
  const widths: readonly [number, number][] = [
    [0.5e9, 1024], [1.5e9, 2048], [4e9, 3072], [10e9, 4096], [20e9, 5120], [45e9, 6656], [90e9, 8192],
  ];
  const hidden = widths.find(([limit]) => params <= limit)?.[1] ?? 16384;
  const layers = Math.max(1, Math.round(params / (12 * hidden * hidden)));
  return { params, hidden, layers, kvDim: hidden, vocab: 32000, shapeGuessed: true };
}

export function builtinArchitecture(layers: number, width: number, heads: number, context: number, vocab: number): Architecture {
  // Learned positions plus an untied output head; MLP of 4× width (the worker's built-in model).
  const params = layers * 12 * width * width + 2 * vocab * width + context * width;
  void heads; // heads split the width; they do not change the size
  return { params, hidden: width, layers, kvDim: width, vocab, context, shapeGuessed: false };
}

export function architectureOfHfId(id: string): Architecture | undefined {
  const lowered = id.toLowerCase();
  const known = KNOWN.find((entry) => entry.pattern.test(lowered));
  if (known) return fromShape(known.shape);
  const match = /(?:^|[-_/])(\d+(?:\.\d+)?)b(?:$|[-_])/.exec(lowered);
  if (!match?.[1]) return undefined;
  return guessFromParams(Number(match[1]) * 1e9);
}

/** Reads the fields transformers' config.json uses; undefined when they are not all there. */
export function architectureOfConfig(text: string): Architecture | undefined {
  let config: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object") return undefined;
    config = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const number = (...keys: string[]): number | undefined => {
    for (const key of keys) {
      const value = config[key];
      if (typeof value === "number" && value > 0) return value;
    }
    return undefined;
  };
  const hidden = number("hidden_size", "n_embd", "d_model");
  const layers = number("num_hidden_layers", "n_layer", "num_layers");
  const vocab = number("vocab_size");
  if (hidden === undefined || layers === undefined || vocab === undefined) return undefined;
  const heads = number("num_attention_heads", "n_head") ?? 1;
  const shape: Shape = {
    hidden,
    layers,
    vocab,
    heads,
    kvHeads: number("num_key_value_heads", "multi_query_group_num") ?? heads,
    intermediate: number("intermediate_size", "ffn_hidden_size") ?? 4 * hidden,
    tied: config["tie_word_embeddings"] === true,
    gated: number("intermediate_size") !== undefined,
  };
  return fromShape(shape);
}

/** LoRA parameters: rank × (in + out) per adapted projection per layer. */
export function loraParams(arch: Architecture, rank: number, targets: readonly string[]): number {
  let perLayer = 0;
  for (const target of targets) {
    const isKv = /(^|_)(k|v)_?proj$|^(k|v)$/.test(target);
    const isMlp = /gate|up|down|mlp|fc|dense_h|dense_4h/.test(target);
    const output = isKv ? arch.kvDim : isMlp ? 4 * arch.hidden : arch.hidden;
    perLayer += rank * (arch.hidden + output);
  }
  return perLayer * arch.layers;
}
