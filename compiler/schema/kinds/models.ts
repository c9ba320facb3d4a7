import { block, bool, call, enumOf, int, list, modelInput, nullable, num, pathStr, refName, secret, str, variants, variantsOrStageModel } from "../fields.js";
import type { KindSpec } from "../types.js";

/** Call shapes shared by model and reward sources. */
export const hfSource = call(
  "hf",
  "A model on the Hugging Face Hub (or its local cache): `hf(\"org/name\", revision = \"main\")`.",
  {
    id: str("The Hub repository id, e.g. `meta-llama/Meta-Llama-3-70B`."),
    revision: str("A branch, tag or commit of the repository.", { default: "main" }),
  },
  { positional: ["id", "revision"] },
);

export const localSource = call(
  "local",
  "Weights in a local directory (Hugging Face layout): `local(\"models/policy\")`.",
  { path: pathStr("The directory, relative to the recipe.") },
  { positional: ["path"] },
);

export const builtinSource = call(
  "builtin",
  "The small built-in transformer for CPU runs and tests, with a byte tokenizer (256 bytes + BOS, EOS, PAD).",
  {
    layers: int("Transformer layers.", { default: 2, min: 1 }),
    width: int("Hidden width.", { default: 128, min: 1 }),
    heads: int("Attention heads; must divide the width.", { default: 4, min: 1 }),
    context: int("Context length in tokens; the default leaves the default `max_tokens` (256) as much room again for the prompt.", { default: 512, min: 1 }),
  },
  { constants: { vocab: 259 } },
);

const endpointSource = call(
  "endpoint",
  "An OpenAI-compatible HTTP server: `endpoint(\"http://judge:8000/v1\", model = \"llama-3-70b-instruct\")`.",
  {
    url: str("The base URL of the OpenAI-compatible API."),
    model: str("The model name the server expects."),
    api_key: nullable(secret("The API key, as `env(\"NAME\")`; never written literally.")),
  },
  { positional: ["url"] },
);

export const lora = block(
  {
    rank: int("Rank of the LoRA update matrices.", { default: 16, min: 1 }),
    alpha: num("LoRA scaling numerator (the update is scaled by alpha / rank).", { default: 32 }),
    dropout: num("Dropout on the LoRA input.", { default: 0.05, min: 0, max: 1 }),
    targets: list(str("A module name."), "Module names that get adapters.", { default: ["q_proj", "v_proj"] }),
  },
  "Train LoRA adapters instead of the full weights: `lora { rank = 16 }`.",
);

export const modelFields = {
  from: variants("type", [hfSource, localSource, endpointSource, builtinSource], "Where the weights come from."),
  dtype: enumOf(["bf16", "fp16", "fp32"], "Compute precision (autocast on GPU) of a trained model, whose master weights stay fp32; storage and compute precision of a frozen one (reference, generator).", {
    default: "bf16",
    defaultNote: "bf16; fp32 for builtin",
  }),
  params: nullable(
    num("Declared size in parameters, for the memory estimate (e.g. `70e9`).", { min: 0 }),
    "read from a local config.json; computed for builtin",
  ),
  gradient_checkpointing: bool("Recompute activations in the backward pass to save memory.", { default: false }),
  lora: nullable(lora),
  chat_template: variants(
    "type",
    [
      call("auto", "The tokenizer's chat template when it has one, else raw text.", {}),
      call("none", "Raw text: the prompt as written, no roles.", {}),
      call("file", "A Jinja chat template from a file: `file(\"templates/chat.jinja\")`.", { path: pathStr("The template file, relative to the recipe.") }, { positional: ["path"] }),
    ],
    "How prompts are rendered: the conversation [system, user] plus the assistant's generation prompt; responses end with the template's end-of-turn token, which also stops generation.",
    { default: { type: "auto" } },
  ),
  max_prompt_tokens: nullable(int("Prompts longer than this (in tokens, after the template) are truncated or refused.", { min: 1 }), "no limit beyond the context"),
  truncation: enumOf(["left", "error"], "An over-long prompt loses its oldest tokens (counted in the metrics) or stops the stage. `align check` measures datasets' first rows with the model's own tokenizer when its files are on this machine: a warning (left) or an error (error).", { default: "left" }),
};

export const modelKind: KindSpec = {
  name: "model",
  doc: "A language model: the policy, a reference, a generator or an LLM judge's backend.",
  naming: "named",
  common: modelFields,
  variants: null,
  syntax: "model NAME { from = SOURCE ... }",
};

const judgeSource = call(
  "judge",
  "Reward 1.0 when the judge is satisfied, else 0.0: `judge(math_answer)`.",
  { judge: refName("judge", "The judge that decides the reward.") },
  { positional: ["judge"] },
);

const baseline = variants(
  "type",
  [
    call("field", "The dataset's reference answer: `field(\"reference\")`.", { field: str("The logical data field.") }, { positional: ["field"] }),
    call("generated", "Responses generated (greedily, once per prompt) by a model or a stage's model output: `generated(warmup.model)`.", { model: modelInput("The model that generates the baseline.") }, { positional: ["model"] }),
    call("none", "No baseline: the calibrated reward is `sigmoid(r(a))`.", {}),
  ],
  "The baseline response ā of the calibrated reward `sigmoid(r(a) - r(ā))`.",
  { default: { type: "none" } },
);

export const rewardFields = {
  from: variantsOrStageModel(
    "type",
    [hfSource, localSource, builtinSource, judgeSource],
    "The reward model (sequence classification), a judge, or a reward_model stage's trained model: `from = rm.model`.",
  ),
  kind: enumOf(["scalar", "pairwise"], "Whether the model scores one response or compares two.", { default: "scalar" }),
  dtype: enumOf(["bf16", "fp16", "fp32"], "Precision the frozen reward model is loaded and run in.", { default: "bf16" }),
  baseline,
};

export const rewardKind: KindSpec = {
  name: "reward",
  doc: "A reward model, calibrated against a baseline response (CGPO).",
  naming: "named",
  common: rewardFields,
  variants: null,
  syntax: "reward NAME { from = SOURCE ... }",
};

