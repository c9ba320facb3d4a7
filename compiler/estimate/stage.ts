/** One stage's estimate under a given number of shards (1 for ddp, all GPUs for fsdp). */
import { activationBytes, frozenWeights, kvCacheBytes, trainableTerms } from "./components.js";
import { baseModelName, modelInfo, rewardInfo, type ModelInfo } from "./models.js";
import { asObj, list, num, refName, str, type Obj } from "./read.js";
import type { EstimateIO, EstimatePlan, MemoryComponents } from "./types.js";

/** Prompt length assumed for generation and RL training (prompts are not tokenized at check time). */
export const PROMPT_TOKENS = 512;
/** Prompts per GPU assumed for generate/eval stages, which declare no batch size. */
export const GENERATION_BATCH = 8;
/** Rows the worker samples at once (rollout.GEN_CHUNK): the KV cache holds at most these. */
export const GENERATION_ROWS = 256;

export interface StageContext {
  readonly plan: EstimatePlan;
  readonly io: EstimateIO;
  /** Data-parallel ranks (GPUs, or processes on CPU). */
  readonly ranks: number;
  /** GPUs per node (the largest tensor-parallel group of a rollout copy); 0 on CPU. */
  readonly gpusPerNode: number;
  /** One GPU's memory, or null when unknown (CPU clusters). */
  readonly capacity: number | null;
}

export interface StageEstimate {
  readonly components: MemoryComponents;
  readonly unknownModels: readonly string[];
  /** Models whose shape (layers, width, KV heads) was guessed from a parameter count. */
  readonly guessedShapes: readonly string[];
  readonly assumptions: readonly string[];
}

const ZERO: MemoryComponents = {
  weights: 0, grads: 0, optimizer: 0, reference: 0, reward: 0, kv_cache: 0, activations: 0, rollout_copy: 0,
};

/** Share of a rank's free memory a rollout copy and the KV cache may take (replica.HEADROOM). */
const ROLLOUT_HEADROOM = 0.9;

/** The sequence length of generation: prompt plus answer, capped by a known context. */
function sequenceTokens(model: ModelInfo, maxTokens: number): number {
  const context = model.arch?.context;
  return context === undefined ? PROMPT_TOKENS + maxTokens : Math.min(context, PROMPT_TOKENS + maxTokens);
}

function perRank(total: number, ranks: number): number {
  return Math.max(1, Math.ceil(total / ranks));
}

/** The stage's main model (trained or served), or undefined when its size is unknown. */
function mainModel(context: StageContext, stage: Obj): ModelInfo | undefined {
  const name = baseModelName(context.plan, stage["model"] ?? stage["policy"]);
  const info = name === undefined ? undefined : modelInfo(context.plan, name, context.io);
  return info?.arch ? info : undefined;
}

export function estimateStage(context: StageContext, stage: Obj, shards: number): StageEstimate | undefined {
  const variant = str(stage, "variant");
  const model = mainModel(context, stage);
  if (!model?.arch) return undefined;
  switch (variant) {
    case "sft":
    case "dpo":
    case "reward_model":
    case "cgpo":
      return training(context, stage, model, shards);
    case "generate":
    case "eval":
      return inference(stage, model, shards);
    default:
      return undefined;
  }
}

function inference(stage: Obj, model: ModelInfo, shards: number): StageEstimate {
  const arch = model.arch!;
  const sequences = GENERATION_BATCH * (num(stage, "samples") ?? 1);
  return {
    components: {
      ...ZERO,
      weights: frozenWeights(model, shards),
      kv_cache: kvCacheBytes(arch, model.bytesPerParam, Math.min(sequences, GENERATION_ROWS), sequenceTokens(model, num(stage, "max_tokens") ?? 256)),
    },
    unknownModels: [],
    guessedShapes: arch.shapeGuessed ? [model.name] : [],
    assumptions: [`${GENERATION_BATCH} prompts per GPU`, `prompts of ${PROMPT_TOKENS} tokens`],
  };
}

function training(context: StageContext, stage: Obj, model: ModelInfo, shards: number): StageEstimate {
  const arch = model.arch!;
  const lora = stageLora(stage) ?? model.lora;
  const unknown: string[] = [];
  const assumptions: string[] = [];
  const workload = trainingWorkload(context, stage, model);
  const reference = referenceBytes(context, stage, model, lora !== undefined, shards, unknown);
  const rewards = str(stage, "variant") === "cgpo" ? rewardBytes(context, stage, shards, unknown) : 0;
  if (workload.assumption) assumptions.push(workload.assumption);
  if (arch.shapeGuessed) assumptions.push(`shape of \`${model.name}\` guessed from its parameter count`);
  if (lora && stage["reference"] == null && str(stage, "variant") !== "sft") {
    assumptions.push("reference = the policy with its LoRA adapters disabled");
  }
  const policy = trainableTerms(model, arch, lora, shards);
  const value = str(stage, "variant") === "cgpo" ? valueModelTerms(context, stage, unknown) : undefined;
  if (value) assumptions.push("weights, grads and optimizer include the PPO value models");
  const weights = policy.weights + (value?.weights ?? 0);
  const optimizer = policy.optimizer + (value?.optimizer ?? 0);
  const copy = str(stage, "variant") === "cgpo" && shards > 1
    ? rolloutCopy(context, model, weights + optimizer + reference + rewards, workload.kvCache)
    : { bytes: 0 };
  if (copy.assumption) assumptions.push(copy.assumption);
  return {
    components: {
      weights,
      grads: policy.grads + (value?.grads ?? 0),
      optimizer,
      reference,
      reward: rewards,
      kv_cache: workload.kvCache,
      activations: activationBytes(arch, model.bytesPerParam, workload.tokens, model.gradientCheckpointing, workload.rows),
      rollout_copy: copy.bytes,
    },
    unknownModels: unknown,
    guessedShapes: arch.shapeGuessed ? [model.name] : [],
    assumptions,
  };
}

/**
 * What rollouts of an FSDP policy decode through, chosen as the worker chooses it
 * (replica.RolloutWeights, auto): a whole copy in the policy's dtype when it and the KV cache
 * fit beside what the rank keeps through the stage (`resident`; gradients are freed after each
 * optimizer step, so rollouts run without them); else the smallest tensor-parallel group of the
 * node's GPUs whose share fits; else nothing (rollouts decode through the FSDP shards, one
 * all-gather per token: slow, said in the assumptions).
 */
function rolloutCopy(context: StageContext, model: ModelInfo, resident: number, kvCache: number): { bytes: number; assumption?: string } {
  const copy = model.arch!.params * model.bytesPerParam;
  if (context.capacity === null) return { bytes: copy };
  const room = ROLLOUT_HEADROOM * (context.capacity - resident) - kvCache;
  if (copy <= room) return { bytes: copy };
  // transformers' plans split the projections and the LM head, not an untied input embedding:
  // each rank holds that whole (counted whole for tied models too, an upper bound).
  const embedding = model.arch!.vocab * model.arch!.hidden * model.bytesPerParam;
  for (let tp = 2; tp <= context.gpusPerNode; tp++) {
    const share = (copy - embedding) / tp + embedding;
    if (context.gpusPerNode % tp === 0 && share <= room) {
      return { bytes: share, assumption: `rollouts decode through a tensor-parallel copy of the policy over ${tp} GPUs of a node` };
    }
  }
  return { bytes: 0, assumption: "rollouts decode through the FSDP shards, one all-gather per token (no room for a copy of the policy)" };
}

function stageLora(stage: Obj): ModelInfo["lora"] {
  const lora = asObj(stage["lora"]);
  if (!lora) return undefined;
  const targets = list(lora, "targets").filter((t): t is string => typeof t === "string");
  return { rank: num(lora, "rank") ?? 16, targets: targets.length > 0 ? targets : ["q_proj", "v_proj"] };
}

interface Workload {
  /** Tokens in one micro-batch on one rank. */
  readonly tokens: number;
  /** Sequences in that micro-batch. */
  readonly rows: number;
  readonly kvCache: number;
  readonly assumption?: string;
}

function trainingWorkload(context: StageContext, stage: Obj, model: ModelInfo): Workload {
  const accumulation = num(stage, "grad_accum") ?? 1;
  const micro = num(stage, "micro_batch_size") ?? undefined;
  if (str(stage, "variant") !== "cgpo") {
    const sequences = micro ?? perRank(perRank(num(stage, "batch_size") ?? 8, context.ranks), accumulation);
    const pairs = str(stage, "variant") === "dpo" || str(stage, "variant") === "reward_model" ? 2 : 1;
    return { tokens: sequences * pairs * (num(stage, "max_length") ?? 1024), rows: sequences * pairs, kvCache: 0 };
  }
  let tokens = 0;
  let rows = 1;
  let kvCache = 0;
  for (const task of stageTasks(context, stage)) {
    const optimizer = asObj(task["optimizer"]);
    const samples = perRank(num(task, "batch_size") ?? 8, context.ranks) * (num(optimizer, "generations") ?? 4);
    const length = sequenceTokens(model, num(optimizer, "max_tokens") ?? 256);
    kvCache = Math.max(kvCache, kvCacheBytes(model.arch!, model.bytesPerParam, Math.min(samples, GENERATION_ROWS), length));
    const microRows = micro ?? perRank(samples, accumulation);
    if (microRows * length > tokens) [tokens, rows] = [microRows * length, microRows];
  }
  return { tokens, rows, kvCache, assumption: `prompts of ${PROMPT_TOKENS} tokens` };
}

function stageTasks(context: StageContext, stage: Obj): Obj[] {
  return list(stage, "tasks")
    .map((ref) => refName(ref, "task"))
    .map((name) => (name === undefined ? undefined : asObj(context.plan.tasks?.[name])))
    .filter((task): task is Obj => task !== undefined);
}

function referenceBytes(context: StageContext, stage: Obj, model: ModelInfo, lora: boolean, shards: number, unknown: string[]): number {
  const variant = str(stage, "variant");
  if (variant !== "dpo" && variant !== "cgpo") return 0;
  const declared = stage["reference"];
  if (declared == null) return lora ? 0 : frozenWeights(model, shards);
  const name = baseModelName(context.plan, declared);
  const info = name === undefined ? undefined : modelInfo(context.plan, name, context.io);
  if (!info?.arch) {
    if (name !== undefined) unknown.push(name);
    return 0;
  }
  return frozenWeights(info, shards);
}

/** PPO value models of the stage's tasks, trained with their own AdamW: each distinct one's
 * fp32 weights, grads and optimizer moments (a value model is built on its declared model's shape;
 * a Hugging Face one's LM head, which it drops, is counted: an upper bound). Every rank holds a
 * whole replica, FSDP or not: the worker shards only the policy and the frozen models. */
function valueModelTerms(context: StageContext, stage: Obj, unknown: string[]) {
  const seen = new Set<string>();
  let terms: { weights: number; grads: number; optimizer: number } | undefined;
  for (const task of stageTasks(context, stage)) {
    const value = asObj(task["optimizer"])?.["value_model"];
    const key = JSON.stringify(value ?? null);
    if (value == null || seen.has(key)) continue;
    seen.add(key);
    const name = baseModelName(context.plan, value);
    const info = name === undefined ? undefined : modelInfo(context.plan, name, context.io);
    if (!info?.arch) {
      if (name !== undefined) unknown.push(name);
      continue;
    }
    const t = trainableTerms(info, info.arch, undefined, 1);
    terms = { weights: (terms?.weights ?? 0) + t.weights, grads: (terms?.grads ?? 0) + t.grads, optimizer: (terms?.optimizer ?? 0) + t.optimizer };
  }
  return terms;
}

/** One copy per distinct reward model (source and dtype), however many tasks name it. */
function rewardBytes(context: StageContext, stage: Obj, shards: number, unknown: string[]): number {
  const names = new Set(stageTasks(context, stage).map((task) => refName(task["reward"], "reward")));
  const loaded = new Set<string>();
  let total = 0;
  for (const name of names) {
    if (name === undefined) continue;
    const info = rewardInfo(context.plan, name, context.io);
    if (info && !info.arch) unknown.push(name);
    const reward = asObj(context.plan.rewards?.[name]);
    const key = JSON.stringify([reward?.["from"], reward?.["dtype"]]);
    if (info && !loaded.has(key)) total += frozenWeights(info, shards);
    loaded.add(key);
  }
  return total;
}
