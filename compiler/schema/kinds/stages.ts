import { call, data, enumOf, int, list, modelInput, nullable, num, ref, refName, str, template, variants } from "../fields.js";
import type { KindSpec } from "../types.js";
import { lora } from "./models.js";

/**
 * Stages form a typed DAG: each produces a dataset, a model or a report, and reads the
 * outputs of the stages it names. `needs` and `output` are added by the compiler.
 */

const keep = variants(
  "type",
  [
    call("all", "Keep every row.", {}, { constants: { judges: [] as string[] } }),
    call("satisfied", "Keep rows every named judge is satisfied with: `satisfied(harmful)`.", {
      judges: list(refName("judge", "A judge."), "The judges."),
    }, { positional: ["judges"], variadic: true }),
    call("violated", "Keep rows some named judge marks violated: `violated(harmful)`.", {
      judges: list(refName("judge", "A judge."), "The judges."),
    }, { positional: ["judges"], variadic: true }),
  ],
  "Which rows the stage keeps.",
  { default: { type: "all", judges: [] } },
);

const training = {
  schedule: enumOf(["constant", "linear", "cosine"], "Learning-rate schedule.", { default: "cosine" }),
  warmup: int("Warm-up steps.", { default: 0, min: 0 }),
  clip: num("Gradient-norm clipping.", { default: 1.0, min: 0 }),
  grad_accum: int("Gradient accumulation steps.", { default: 1, min: 1 }),
  weight_decay: num("AdamW weight decay.", { default: 0.0, min: 0 }),
  loss_norm: enumOf(["sample", "token"], "Average the loss per sample or per token.", { default: "sample" }),
  checkpoint_every: int("Save a checkpoint every this many steps.", { default: 100, min: 1 }),
  micro_batch_size: nullable(int("Per-rank micro batch size.", { min: 1 }), "chosen by the runtime"),
};

const promptAsIs = { text: "{prompt}", file: null, slots: ["prompt"] };

const generate = {
  model: modelInput("The generating model."),
  prompts: nullable(data("Prompts to answer (exactly one of `prompts` and `from`).")),
  from: nullable(data("Rows to continue from, e.g. an earlier stage (exactly one of `prompts` and `from`).")),
  template: template("The prompt sent to the model; slots are data fields.", { default: promptAsIs, defaultNote: "the prompt as is" }),
  samples: int("Responses per row.", { default: 1, min: 1 }),
  temperature: num("Sampling temperature.", { default: 1.0, min: 0 }),
  top_p: num("Nucleus sampling mass.", { default: 1.0, min: 0, max: 1 }),
  max_tokens: int("Tokens generated per response at most.", { default: 256, min: 1 }),
  response_field: str("The data field each response is written to; another name keeps an input `response` intact (the mistakes pipeline writes `analysis` beside the bad answer).", { default: "response" }),
  judges: list(ref("judge", "A judge."), "Judges run on every response; verdicts are added to the rows.", { default: [] }),
  keep,
};

const judgeStage = {
  from: data("The rows to judge."),
  judges: list(ref("judge", "A judge."), "The judges.", { nonEmpty: true }),
  keep,
};

const render = {
  from: data("The rows to render."),
  template: template("The prompt of each new row; slots are data fields."),
  target: str("The data field that becomes the training target."),
};

const sft = {
  model: modelInput("The model to fine-tune."),
  data: list(data("A data source."), "Training data.", { nonEmpty: true }),
  epochs: int("Passes over the data.", { default: 1, min: 1 }),
  lr: num("Peak learning rate.", { default: 2e-5, min: 0 }),
  batch_size: int("Global batch size.", { default: 8, min: 1 }),
  max_length: int("Sequences are truncated to this many tokens.", { default: 1024, min: 1 }),
  lora: nullable(lora),
  ...training,
};

const dpo = {
  model: modelInput("The model to train."),
  data: list(data("A data source with chosen/rejected fields."), "Preference pairs.", { nonEmpty: true }),
  reference: nullable(modelInput("The reference model."), "the initial model"),
  beta: num("DPO temperature β.", { default: 0.1 }),
  epochs: int("Passes over the data.", { default: 1, min: 1 }),
  lr: num("Peak learning rate.", { default: 5e-7, min: 0 }),
  batch_size: int("Global batch size.", { default: 8, min: 1 }),
  max_length: int("Prompt plus response are truncated to this many tokens.", { default: 1024, min: 2 }),
  max_prompt_length: nullable(int("Prompts are cut to their last this many tokens before the response is added.", { min: 1 }), "no separate cap"),
  ...training,
};

const rewardModel = {
  model: modelInput("The model the reward model starts from, which gets a scalar head: a `builtin(...)` model, or a Hugging Face checkpoint (`hf`, `local`, or an sft/dpo/cgpo stage's output) loaded as a one-label sequence-classification model (AL4354)."),
  data: list(data("A data source with chosen/rejected fields."), "Preference pairs to train on.", { nonEmpty: true }),
  held_out: nullable(list(data("A data source with chosen/rejected fields."), "Pairs to measure accuracy on, never trained on."), "the last `eval_fraction` of the shuffled `data`"),
  eval_fraction: num("Without `held_out`: the fraction of `data` held out (a seeded shuffle) to measure accuracy on.", { default: 0.1, min: 0, max: 0.9 }),
  margin: num("Margin m of the loss `−log σ(r(chosen) − r(rejected) − m)`: the chosen response must win by at least m.", { default: 0, min: 0 }),
  epochs: int("Passes over the data.", { default: 1, min: 1 }),
  lr: num("Peak learning rate.", { default: 1e-5, min: 0 }),
  batch_size: int("Pairs per step (global).", { default: 8, min: 1 }),
  max_length: int("Prompt plus response are cut to their last this many tokens.", { default: 1024, min: 2 }),
  ...training,
};

const cgpo = {
  policy: modelInput("The policy to train."),
  reference: nullable(modelInput("The reference model π_ref."), "the initial policy"),
  tasks: list(ref("task", "A task."), "The tasks trained together (`loss = Σ ρ_l · loss_l`).", { nonEmpty: true }),
  steps: int("Optimizer steps.", { min: 1 }),
  lr: num("Peak learning rate.", { default: 5e-7, min: 0 }),
  ...training,
};

const evalStage = {
  model: modelInput("The model to evaluate."),
  tasks: nullable(list(ref("task", "A task."), "Evaluate on these tasks' prompts and judges.")),
  prompts: nullable(data("Or: prompts to answer (with `judges`).")),
  judges: list(ref("judge", "A judge."), "With `prompts`: the judges to run.", { default: [] }),
  samples: int("Responses per prompt.", { default: 1, min: 1 }),
  max_tokens: int("Tokens generated per response at most.", { default: 256, min: 1 }),
  temperature: num("Sampling temperature.", { default: 0.0, min: 0 }),
  top_p: num("Nucleus sampling mass.", { default: 1.0, min: 0, max: 1 }),
  template: nullable(template("The prompt the model sees, filled from the data fields."), "each task's template, or the prompt as is"),
};

/** Typed field maps by variant, for the plan schema. */
export const stageVariantFields = { generate, judge: judgeStage, render, sft, dpo, reward_model: rewardModel, cgpo, eval: evalStage } as const;

export const stageOutputs = {
  generate: "dataset",
  judge: "dataset",
  render: "dataset",
  sft: "model",
  dpo: "model",
  reward_model: "model",
  cgpo: "model",
  eval: "report",
} as const;

export const stageKind: KindSpec = {
  name: "stage",
  doc: "A pipeline step producing a dataset, a model or a report; stages form a DAG.",
  naming: "named",
  discriminator: "variant",
  common: {},
  syntax: "stage NAME = VARIANT { ... }",
  variants: [
    { name: "generate", doc: "Sample responses from a model, optionally judge them and keep some.", positional: [], fields: generate, produces: "dataset" },
    { name: "judge", doc: "Run judges over rows; annotate them or keep/drop by verdict.", positional: [], fields: judgeStage, produces: "dataset" },
    { name: "render", doc: "Build a dataset from a template, choosing the target field. Also inline: `render(from, template = ..., target = ...)`.", positional: ["from"], fields: render, produces: "dataset" },
    { name: "sft", doc: "Supervised fine-tuning.", positional: [], fields: sft, produces: "model" },
    { name: "dpo", doc: "Direct preference optimization.", positional: [], fields: dpo, produces: "model" },
    { name: "reward_model", doc: "Train a Bradley-Terry reward model on preference pairs; use it as `reward r { from = stage.model }`.", positional: [], fields: rewardModel, produces: "model" },
    { name: "cgpo", doc: "Constrained RLHF over tasks (CRPG, CODPO, CRRAFT per task).", positional: [], fields: cgpo, produces: "model" },
    { name: "eval", doc: "Generate and judge; writes a report.", positional: [], fields: evalStage, produces: "report" },
  ],
};
