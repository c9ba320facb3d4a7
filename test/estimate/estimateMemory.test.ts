import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compileFiles } from "../compiler/helpers.js";
import { compile, memoryHost } from "../../compiler/index.js";
import { describeEstimate, estimateMemory, estimateStages, type EstimatePlan } from "../../compiler/estimate/index.js";
import type { Plan } from "../../compiler/plan/types.js";
import { architectureOfConfig, architectureOfHfId, paramsOfShape } from "../../compiler/estimate/architecture.js";

const GIB = 1024 ** 3;

function llama70bSft(cluster: object, extra: object = {}): EstimatePlan {
  return {
    models: {
      policy: {
        from: { type: "hf", id: "meta-llama/Meta-Llama-3-70B", revision: "main" },
        dtype: "bf16",
        params: 70e9,
        gradient_checkpointing: false,
        lora: null,
        ...extra,
      },
    },
    stages: {
      finetune: { variant: "sft", needs: [], output: "model", model: { model: "policy" }, batch_size: 8, max_length: 1024, grad_accum: 1, micro_batch_size: null, lora: null },
    },
    cluster,
  };
}

// Hand-computed, as the worker holds it: 70e9 params trained as fp32 masters under bf16 autocast →
// weights 280e9 B, fp32 grads 280e9, Adam moments 8·70e9 = 560e9. Activations for one
// 1024-token sequence per GPU, Llama-3-70B shape (80 layers, hidden 8192, vocab 128256):
// 80·34·8192·1024, the bf16 logits 1024·128256·2, and one fp32 log-softmax block of 128
// positions (value and exp: 128·128256·4·2).
const LOGITS = 1024 * 128256 * 2 + 128 * 128256 * 8;
const ACTIVATIONS = 80 * 34 * 8192 * 1024 + LOGITS;

describe("estimateMemory: a 70B bf16 full fine-tune", () => {
  it("replicates everything under ddp on 8×H100 and does not fit", () => {
    const estimate = estimateStages(llama70bSft({ nodes: 1, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "ddp" }))["finetune"]!;
    expect(estimate.sharding).toBe("ddp");
    expect(estimate.components).toEqual({
      weights: 280e9, grads: 280e9, optimizer: 560e9,
      reference: 0, reward: 0, kv_cache: 0, activations: ACTIVATIONS, rollout_copy: 0,
    });
    expect(estimate.total).toBe(1120e9 + ACTIVATIONS);
    expect(estimate.capacity).toBe(80 * GIB);
    expect(estimate.fits).toBe(false);
  });

  it("divides weights, grads and optimizer state over 8 GPUs under fsdp, still too big", () => {
    const estimate = estimateStages(llama70bSft({ nodes: 1, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "fsdp" }))["finetune"]!;
    expect(estimate.components.weights).toBe(35e9);
    expect(estimate.components.optimizer).toBe(70e9); // 8 B × 70e9 / 8
    expect(estimate.total).toBe(140e9 + ACTIVATIONS);
    expect((estimate.total / GIB).toFixed(1)).toBe("152.0");
    expect(estimate.fits).toBe(false);
  });

  it("fits under fsdp over 8×8 H100 (auto picks fsdp because ddp does not fit)", () => {
    const estimate = estimateStages(llama70bSft({ nodes: 8, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "auto" }))["finetune"]!;
    expect(estimate.sharding).toBe("fsdp");
    expect(estimate.gpus).toBe(64);
    expect(estimate.total).toBe(1120e9 / 64 + ACTIVATIONS);
    expect(estimate.fits).toBe(true);
  });

  it("keeps only layer inputs and one layer's internals with gradient checkpointing", () => {
    const plan = llama70bSft({ nodes: 8, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "fsdp" }, { gradient_checkpointing: true });
    const estimate = estimateStages(plan)["finetune"]!;
    expect(estimate.components.activations).toBe(80 * 8192 * 2 * 1024 + 34 * 8192 * 1024 + LOGITS);
  });

  it("trains only LoRA adapters: no full grads or Adam state", () => {
    const plan = llama70bSft({ nodes: 1, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "ddp" }, {
      lora: { rank: 16, alpha: 32, dropout: 0.05, targets: ["q_proj", "v_proj"] },
    });
    const estimate = estimateStages(plan)["finetune"]!;
    // q: 16·(8192 + 8192), v: 16·(8192 + 1024) per layer, 80 layers.
    const adapters = 80 * (16 * (8192 + 8192) + 16 * (8192 + 1024));
    expect(estimate.components.grads).toBe(adapters * 4);
    expect(estimate.components.optimizer).toBe(adapters * 8);
    expect(estimate.components.weights).toBe(280e9 + adapters * 4); // the frozen base stays fp32 too
  });

  it("gives the plan's shape and describes the numbers in GiB", () => {
    const plan = llama70bSft({ nodes: 1, gpus_per_node: 8, gpu: "h100_80gb", gpu_memory: null, sharding: "ddp" });
    const estimate = estimateMemory(plan)["finetune"]!;
    expect(estimate).toMatchObject({ per_gpu_bytes: 1120e9 + ACTIVATIONS, gpu_memory_bytes: 80 * GIB, fits: false, sharding: "ddp" });
    expect(describeEstimate(estimate, "h100_80gb")).toBe(
      "~1064.7 GiB per GPU of 80.0 GiB (h100_80gb), ddp (weights 260.8, grads 260.8, Adam 521.5, activations 21.6)",
    );
  });

  it("accepts the compiler's Plan type", () => {
    const typed = (plan: Plan) => estimateMemory(plan);
    expect(typeof typed).toBe("function");
  });
});

describe("estimateMemory: cgpo, generation and unknown sizes", () => {
  const builtin = { type: "builtin", layers: 2, width: 64, heads: 4, context: 64, vocab: 259 };
  const basePlan = (stages: Record<string, object>, extra: Partial<EstimatePlan> = {}): EstimatePlan => ({
    models: { tiny: { from: builtin, dtype: "fp32", params: null, gradient_checkpointing: false, lora: null } },
    rewards: { correct: { from: { type: "judge", judge: "correct" }, kind: "scalar", baseline: { type: "none" } } },
    tasks: {
      arith: { prompts: [{ dataset: "arith" }], reward: { reward: "correct" }, judges: [], weight: 1, batch_size: 4, optimizer: { variant: "crpg", generations: 4, max_tokens: 16, kl_max: 0.1 } },
    },
    stages,
    cluster: { nodes: 1, gpus_per_node: 0, gpu: "cpu", gpu_memory: null, sharding: "auto" },
    ...extra,
  });

  it("counts the built-in model, a frozen reference and the KV cache of K generations", () => {
    const plan = basePlan({ rl: { variant: "cgpo", model: undefined, policy: { model: "tiny" }, reference: null, tasks: [{ task: "arith" }], steps: 10, grad_accum: 1, micro_batch_size: null } });
    const estimate = estimateStages(plan)["rl"]!;
    const params = 2 * 12 * 64 * 64 + 2 * 259 * 64 + 64 * 64; // 135,424
    expect(estimate.components.weights).toBe(params * 4);
    expect(estimate.components.optimizer).toBe(params * 8); // fp32 trains without a master copy
    expect(estimate.components.reference).toBe(params * 4);
    expect(estimate.components.reward).toBe(0); // a judge reward holds no weights
    // 4 prompts × 4 generations, sequence capped at the context (64), 2 layers, K and V of width 64, fp32.
    expect(estimate.components.kv_cache).toBe(16 * 64 * 2 * 2 * 64 * 4);
    expect(estimate.capacity).toBeNull();
    expect(estimate.fits).toBeNull();
  });

  it("trains a reward_model stage like a model on pairs, and counts its output where a task scores with it", () => {
    const plan = basePlan(
      {
        rm: { variant: "reward_model", model: { model: "tiny" }, batch_size: 8, max_length: 64, grad_accum: 1, micro_batch_size: null },
        rl: { variant: "cgpo", policy: { model: "tiny" }, reference: null, tasks: [{ task: "arith" }], steps: 10, grad_accum: 1, micro_batch_size: null },
      },
      {
        rewards: { learned: { from: { type: "stage", stage: "rm", output: "model" }, kind: "scalar", dtype: "fp32", baseline: { type: "none" } } },
        tasks: { arith: { prompts: [{ dataset: "arith" }], reward: { reward: "learned" }, judges: [], weight: 1, batch_size: 4, optimizer: { variant: "grpo", generations: 4, max_tokens: 16 } } },
      },
    );
    const estimates = estimateStages(plan);
    const params = 2 * 12 * 64 * 64 + 2 * 259 * 64 + 64 * 64;
    expect(estimates["rm"]!.components.optimizer).toBe(params * 8);
    expect(estimates["rm"]!.components.reference).toBe(0);   // Bradley-Terry needs no reference
    expect(estimates["rl"]!.components.reward).toBe(params * 4);   // the trained reward model, fp32
  });

  it("adds each distinct PPO value model's weights, grads and AdamW moments to the trained terms", () => {
    const ppo = (value: object) => ({ variant: "ppo", generations: 4, max_tokens: 16, value_model: value });
    const task = (optimizer: object) => ({ prompts: [{ dataset: "arith" }], reward: { reward: "correct" }, judges: [], weight: 1, batch_size: 4, optimizer });
    const rl = { variant: "cgpo", policy: { model: "tiny" }, reference: null, tasks: [{ task: "a" }, { task: "b" }], steps: 10, grad_accum: 1, micro_batch_size: null };
    const plan = (b: object) => basePlan({ rl }, {
      models: {
        tiny: { from: builtin, dtype: "fp32", params: null, gradient_checkpointing: false, lora: null },
        critic: { from: { ...builtin, layers: 1 }, dtype: "fp32", params: null, gradient_checkpointing: false, lora: null },
      },
      tasks: { a: task(ppo({ model: "critic" })), b: task(b) },
    });
    const policy = 2 * 12 * 64 * 64 + 2 * 259 * 64 + 64 * 64;
    const critic = 12 * 64 * 64 + 2 * 259 * 64 + 64 * 64;
    const shared = estimateStages(plan(ppo({ model: "critic" })))["rl"]!;   // one value model, named twice
    expect(shared.components.weights).toBe((policy + critic) * 4);
    expect(shared.components.grads).toBe((policy + critic) * 4);
    expect(shared.components.optimizer).toBe((policy + critic) * 8);
    expect(shared.assumptions).toContain("weights, grads and optimizer include the PPO value models");
    const none = estimateStages(plan({ variant: "crpg", generations: 4, max_tokens: 16, kl_max: 0.1 }))["rl"]!;
    expect(none.components.optimizer).toBe((policy + critic) * 8);
    const two = estimateStages(plan(ppo({ model: "tiny" })))["rl"]!;   // a second value model
    expect(two.components.optimizer).toBe((2 * policy + critic) * 8);
    // FSDP over 4 GPUs shards the policy; each rank still holds the whole value model (replicated).
    const fsdp = estimateStages({ ...plan(ppo({ model: "critic" })), cluster: { nodes: 1, gpus_per_node: 4, gpu: "h100_80gb", gpu_memory: null, sharding: "fsdp" } })["rl"]!;
    expect(fsdp.sharding).toBe("fsdp");
    expect(fsdp.components.optimizer).toBe(policy * 8 / 4 + critic * 8);
  });

  it("counts a Hugging Face value model at its checkpoint's size, the policy's own base", () => {
    const hf = { type: "hf", id: "meta-llama/Meta-Llama-3-8B", revision: null };
    const llama = { from: hf, dtype: "bf16", params: null, gradient_checkpointing: false, lora: null };
    const task = { prompts: [{ dataset: "arith" }], reward: { reward: "correct" }, judges: [], weight: 1, batch_size: 4, optimizer: { variant: "ppo", generations: 4, max_tokens: 16, value_model: { model: "llama" } } };
    const rl = { variant: "cgpo", policy: { model: "llama" }, reference: null, tasks: [{ task: "t" }], steps: 10, grad_accum: 1, micro_batch_size: null };
    const without = { ...task, optimizer: { variant: "grpo", generations: 4, max_tokens: 16 } };
    const withValue = estimateStages(basePlan({ rl }, { models: { llama }, tasks: { t: task } }))["rl"]!;
    const alone = estimateStages(basePlan({ rl }, { models: { llama }, tasks: { t: without } }))["rl"]!;
    expect(withValue.components.weights).toBe(2 * alone.components.weights);       // fp32 master weights twice
    expect(withValue.components.optimizer).toBe(2 * alone.components.optimizer);
    expect(withValue.components.optimizer / 8).toBeGreaterThan(2 * 8e9);          // two 8B models' AdamW moments
  });

  it("estimates generate stages as weights plus KV cache", () => {
    const plan = basePlan({ gen: { variant: "generate", model: { model: "tiny" }, samples: 2, max_tokens: 16 } });
    const estimate = estimateStages(plan)["gen"]!;
    expect(estimate.components.grads).toBe(0);
    expect(estimate.components.kv_cache).toBe(8 * 2 * 64 * 2 * 2 * 64 * 4);
  });

  it("follows a stage's model output back to the declared model", () => {
    const plan = basePlan({
      sft: { variant: "sft", model: { model: "tiny" }, batch_size: 8, max_length: 64 },
      gen: { variant: "generate", model: { stage: "sft", output: "model" }, samples: 1, max_tokens: 16 },
    });
    expect(Object.keys(estimateStages(plan))).toEqual(["gen", "sft"]);
  });

  it("gives no estimate for a model of unknown size and skips data-only stages", () => {
    const plan: EstimatePlan = {
      models: { mystery: { from: { type: "hf", id: "org/mystery-model", revision: "main" }, dtype: "bf16", params: null } },
      stages: {
        a: { variant: "sft", model: { model: "mystery" }, batch_size: 8 },
        b: { variant: "render", from: { dataset: "x" } },
      },
      cluster: { nodes: 1, gpus_per_node: 8, gpu: "h100_80gb", sharding: "auto" },
    };
    expect(estimateStages(plan)).toEqual({});
    expect(estimateMemory(plan)).toEqual({});
  });

  it("lists a reward model of unknown size instead of guessing", () => {
    const plan = basePlan(
      { rl: { variant: "cgpo", policy: { model: "tiny" }, reference: null, tasks: [{ task: "arith" }] } },
      { rewards: { correct: { from: { type: "hf", id: "org/reward", revision: "main" } } } },
    );
    expect(estimateStages(plan)["rl"]!.unknownModels).toEqual(["correct"]);
  });

  it("reads a local checkpoint's config.json", () => {
    const config = JSON.stringify({ hidden_size: 4096, num_hidden_layers: 32, intermediate_size: 14336, vocab_size: 128256, num_attention_heads: 32, num_key_value_heads: 8 });
    const plan: EstimatePlan = {
      models: { local: { from: { type: "local", path: "ckpt/llama" }, dtype: "bf16", params: null } },
      stages: { gen: { variant: "generate", model: { model: "local" }, samples: 1, max_tokens: 256 } },
      cluster: { nodes: 1, gpus_per_node: 1, gpu: "h100_80gb", sharding: "auto" },
    };
    const estimate = estimateStages(plan, { readFile: (path) => (path === "ckpt/llama/config.json" ? config : undefined) })["gen"]!;
    expect(estimate.components.weights).toBe(8_030_261_248 * 2);
  });
});

describe("architectures", () => {
  it("knows Llama 3 70B and 8B from their hub ids", () => {
    expect(architectureOfHfId("meta-llama/Meta-Llama-3-70B-Instruct")?.params).toBe(70_553_706_496);
    expect(architectureOfHfId("meta-llama/Meta-Llama-Guard-2-8B")?.params).toBe(8_030_261_248);
  });

  it("guesses a shape from a size in the id, and knows nothing without one", () => {
    expect(architectureOfHfId("org/some-13b-chat")?.params).toBe(13e9);
    expect(architectureOfHfId("org/reward-model")).toBeUndefined();
  });

  it("rejects a config.json without the shape fields", () => {
    expect(architectureOfConfig("{\"model_type\": \"llama\"}")).toBeUndefined();
    expect(architectureOfConfig("not json")).toBeUndefined();
    expect(paramsOfShape({ hidden: 4, layers: 1, heads: 1, kvHeads: 1, intermediate: 8, vocab: 10 })).toBe(2 * 16 + 2 * 16 + 3 * 32 + 8 + 80 + 4);
  });
});

/** AL6009: the checkpoint here is a config.json only, so prompt lengths are not measured (a note). */
const TOKENIZER_NOTE = "AL6009";

describe("align check on a Qwen2.5-7B CRPG run (shape from its config.json)", () => {
  const config = readFileSync(new URL("../fixtures/estimate/qwen2.5-7b/config.json", import.meta.url), "utf8");
  const recipe = (batch: number, generations: number, maxTokens: number) =>
    'model policy { from = local("qwen")  gradient_checkpointing = true }\n' +
    'dataset math = jsonl("math.jsonl") { prompt = "prompt"  answer = "answer" }\n' +
    "judge correct = math_answer {}\nreward r { from = judge(correct) }\n" +
    `task solve { prompts = [math]  reward = r  judges = [correct]  batch_size = ${batch}\n` +
    `  optimizer = crpg { generations = ${generations}  max_tokens = ${maxTokens} } }\n` +
    "stage rl = cgpo { policy = policy  tasks = [solve]  steps = 100  micro_batch_size = 4 }\n" +
    "cluster { gpus_per_node = 8  gpu = h100_80gb  sharding = fsdp }\n";
  const check = (text: string) =>
    compileFiles({ "main.align": text, "qwen/config.json": config, "math.jsonl": '{"prompt": "1+1", "answer": "2"}\n' });

  it("accepts 64 prompts × 16 samples of 1024 tokens on 8×H100 (grouped-query attention: 4 of 28 heads)", () => {
    const result = check(recipe(64, 16, 1024));
    expect(result.diagnostics.filter((d) => d.code.startsWith("AL60") && d.code !== TOKENIZER_NOTE)).toEqual([]);
    const estimate = (result.plan?.estimates as Record<string, { per_gpu_bytes: number; fits: boolean }>)["rl"]!;
    expect(estimate.fits).toBe(true);
    expect(estimate.per_gpu_bytes / GIB).toBeLessThan(50);
  });

  it("still rejects a run that does not fit (16k-token responses), with no fix already applied", () => {
    const result = check(recipe(64, 16, 16384));
    const errors = result.diagnostics.filter((d) => d.code === "AL6001");
    expect(errors).toHaveLength(1);
    const help = errors[0]!.help ?? "";
    expect(help).not.toContain("gradient_checkpointing");
    expect(help).not.toContain("sharding = fsdp");
    expect(help).toContain("max_tokens");
  });
});

describe("align check on hf(\"Qwen/Qwen2.5-7B\"): the shape from the local Hugging Face cache", () => {
  const config = readFileSync(new URL("../fixtures/estimate/qwen2.5-7b/config.json", import.meta.url), "utf8");
  const commit = "a".repeat(40);
  const recipe =
    'model policy { from = hf("Qwen/Qwen2.5-7B")  gradient_checkpointing = true }\n' +
    'dataset math = jsonl("math.jsonl") { prompt = "prompt"  answer = "answer" }\n' +
    "judge correct = math_answer {}\nreward r { from = judge(correct) }\n" +
    "task solve { prompts = [math]  reward = r  judges = [correct]  batch_size = 64\n" +
    "  optimizer = crpg { generations = 16  max_tokens = 1024 } }\n" +
    "stage rl = cgpo { policy = policy  tasks = [solve]  steps = 100  micro_batch_size = 4 }\n" +
    "cluster { gpus_per_node = 8  gpu = h100_80gb  sharding = fsdp }\n";
  const files = {
    "/virtual/main.align": recipe,
    "/virtual/math.jsonl": '{"prompt": "1+1", "answer": "2"}\n',
    "/hub/models--Qwen--Qwen2.5-7B/refs/main": `${commit}\n`,
    [`/hub/models--Qwen--Qwen2.5-7B/snapshots/${commit}/config.json`]: config,
  };

  it("reads config.json from the cache: the exact size, grouped-query attention, and the run fits", () => {
    const result = compile("main.align", { host: memoryHost(files), cwd: "/virtual", hubCache: "/hub" });
    expect(result.diagnostics.filter((d) => d.code.startsWith("AL60") && d.code !== TOKENIZER_NOTE)).toEqual([]);
    expect((result.plan?.models["policy"] as { params: number }).params).toBe(7615487488);
    expect((result.plan?.estimates as Record<string, { fits: boolean }>)["rl"]!.fits).toBe(true);
  });

  it("without the cache the guessed shape only warns (AL6051), naming how to give the shape", () => {
    const result = compile("main.align", { host: memoryHost(files), cwd: "/virtual" });
    const codes = result.diagnostics.map((d) => `${d.severity} ${d.code}`);
    expect(codes).toContain("warning AL6051");
    expect(codes).not.toContain("error AL6001");
    expect(result.diagnostics.find((d) => d.code === "AL6051")?.help).toContain('local("dir")');
  });
});

describe("estimateStages: what rollouts of an FSDP policy decode through", () => {
  // A CRPG stage on hf Llama-3 models of known shape, 8 prompts x 4 samples per task, 256 tokens.
  const rlPlan = (id: string, cluster: object): EstimatePlan => ({
    models: { policy: { from: { type: "hf", id, revision: "main" }, dtype: "bf16", params: null, gradient_checkpointing: true, lora: null } },
    tasks: { t: { prompts: [{ dataset: "d" }], reward: { reward: "r" }, judges: [], weight: 1, batch_size: 8, optimizer: { variant: "crpg", generations: 4, max_tokens: 256 } } },
    rewards: { r: { from: { judge: "j" } } },
    stages: { rl: { variant: "cgpo", policy: { model: "policy" }, reference: null, tasks: [{ task: "t" }], steps: 10, grad_accum: 1, micro_batch_size: null } },
    cluster,
  });
  const h100 = (nodes: number, gpus: number) => ({ nodes, gpus_per_node: gpus, gpu: "h100_80gb", gpu_memory: null, sharding: "fsdp" });
  const resident = (c: { weights: number; optimizer: number; reference: number; reward: number }) => c.weights + c.optimizer + c.reference + c.reward;

  it("a whole bf16 copy of an 8B policy on every GPU, counted in the rollout phase and not beside activations", () => {
    const estimate = estimateStages(rlPlan("meta-llama/Meta-Llama-3-8B", h100(1, 8)))["rl"]!;
    const c = estimate.components;
    const params = c.weights * 8 / 4;                       // fp32 masters sharded over 8
    expect(c.rollout_copy).toBe(params * 2);
    // The peak is the larger phase: rollouts (KV cache + copy) or training (grads + activations).
    expect(estimate.total).toBe(resident(c) + Math.max(c.kv_cache + c.rollout_copy, c.grads + c.activations));
    expect(estimate.total).toBeLessThan(resident(c) + c.kv_cache + c.rollout_copy + c.grads + c.activations);
    expect(estimate.fits).toBe(true);
    expect(estimate.assumptions.join("; ")).not.toContain("rollouts decode");
  });

  it("a tensor-parallel share of a 70B policy whose whole copy does not fit one GPU", () => {
    const estimate = estimateStages(rlPlan("meta-llama/Meta-Llama-3-70B", h100(8, 8)))["rl"]!;
    const c = estimate.components;
    const copy = c.weights * 64 / 4 * 2;                    // the whole model in bf16
    expect(copy).toBeGreaterThan(80 * GIB);
    // Each rank of the group holds its share of the split layers and the whole input embedding
    // (128256 x 8192, bf16), which transformers' plan does not split.
    const embedding = 128256 * 8192 * 2;
    const share = (tp: number) => (copy - embedding) / tp + embedding;
    const tp = [2, 4, 8].find((t) => share(t) === c.rollout_copy);
    expect(tp).toBeDefined();
    // The smallest group whose share fits beside what the rank keeps (90% of the free memory).
    expect(c.rollout_copy + c.kv_cache).toBeLessThanOrEqual(0.9 * (80 * GIB - resident(c)));
    expect(share(tp! / 2) + c.kv_cache).toBeGreaterThan(0.9 * (80 * GIB - resident(c)));
    expect(estimate.assumptions).toContain(`rollouts decode through a tensor-parallel copy of the policy over ${tp} GPUs of a node`);
  });

  it("no copy when not even a node's tensor-parallel share fits: rollouts decode through the shards, and it says so", () => {
    const estimate = estimateStages(rlPlan("meta-llama/Meta-Llama-3-70B", { ...h100(2, 2), gpu_memory: 96 * GIB }))["rl"]!;
    expect(estimate.components.rollout_copy).toBe(0);
    expect(estimate.assumptions).toContain("rollouts decode through the FSDP shards, one all-gather per token (no room for a copy of the policy)");
  });

  it("no copy without FSDP (DDP decodes through its own replica) and none for training stages without rollouts", () => {
    const ddp = estimateStages(rlPlan("meta-llama/Meta-Llama-3-8B", { ...h100(1, 8), gpu_memory: 1024 * GIB, sharding: "ddp" }))["rl"]!;
    expect(ddp.components.rollout_copy).toBe(0);
    const sft = estimateStages(llama70bSft(h100(8, 8)))["finetune"]!;
    expect(sft.components.rollout_copy).toBe(0);
    expect(sft.total).toBe(Object.values(sft.components).reduce((a, b) => a + b, 0));
  });
});
