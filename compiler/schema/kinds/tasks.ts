import { bool, call, enumOf, int, list, modelInput, nullable, num, ref, template, variants } from "../fields.js";
import type { KindSpec } from "../types.js";

/** Sampling fields every optimizer has. */
const sampling = {
  generations: int("Responses sampled per prompt (K).", { default: 4, min: 1 }),
  temperature: num("Sampling temperature T > 0; the loss trains the tempered policy softmax(logits / T) it samples from.", { default: 1.0, min: 0 }),
  top_p: num("Nucleus sampling mass; 1 in a task (a truncated sampler has no unbiased policy gradient, AL6050).", { default: 1.0, min: 0, max: 1 }),
  max_tokens: int("Tokens generated per response at most.", { default: 256, min: 1 }),
};

/** How the baselines (GRPO, RLOO) compose with the mixture of judges, as the CGPO paper's baselines do. */
const judgeComposition = {
  judges_gate: bool(
    "`true`: an infeasible sample's reward is replaced by `infeasible_reward` (constrained baseline); `false`: the judges are only reported.",
    { default: true },
  ),
  infeasible_reward: num("The reward an infeasible sample gets when `judges_gate = true`.", { default: -1.0 }),
};

export const optimizer = variants(
  "variant",
  [
    call("crpg", "Calibrated-regularized policy gradient: REINFORCE on the gated, feasibility-masked calibrated reward.", {
      ...sampling,
      kl_max: num("KL threshold of the gate `max(1 - (log π - log π_ref) / kl_max, 0)`.", { default: 0.1 }),
    }),
    call("codpo", "Constrained online DPO: chosen = best feasible, rejected = worst infeasible; needs generations ≥ 2.", {
      ...sampling,
      beta: num("DPO temperature β.", { default: 0.1 }),
      lambda: num("Weight of the per-token NLL term on the chosen response.", { default: 0.0 }),
    }),
    call("crraft", "Constrained reward-ranking fine-tuning: keep the best feasible sample within the KL threshold.", {
      ...sampling,
      kl_max: num("Samples with `log π - log π_ref` above this are dropped.", { default: 0.1 }),
      fallback: enumOf(["baseline", "skip"], "When nothing is kept: train on the baseline ā if feasible, or skip the prompt.", {
        default: "baseline",
      }),
    }),
    call("grpo", "Group relative policy optimization (baseline): per-prompt group baseline, clipped importance ratio, KL penalty; needs generations ≥ 2. See docs/optimizers.md.", {
      ...sampling,
      scale_rewards: bool("Divide each advantage by its prompt group's reward std (DeepSeekMath GRPO); `false`: mean only (Dr. GRPO).", { default: true }),
      clip_eps: num("Clip range ε: the per-token ratio `π/π_old` is clipped to `[1 - ε, 1 + ε]`; 0 < ε < 1 (AL4351).", { default: 0.2, min: 0 }),
      ppo_epochs: int("Optimizer updates per rollout, each against the rollout's old log-probs (1: on-policy, the ratio is 1 and clipping never binds).", { default: 1, min: 1 }),
      kl_coef: num("Coefficient β of the per-token KL penalty to the reference in the loss (0: none).", { default: 0.04, min: 0 }),
      kl_estimator: enumOf(["k1", "k3"], "Per-token KL estimator: `k1` = log π − log π_ref (its gradient in the loss is zero in expectation, AL4352), `k3` = π_ref/π − log(π_ref/π) − 1 (DeepSeekMath).", { default: "k3" }),
      loss_aggregation: enumOf(["token", "sequence"], "`sequence`: mean over samples of each sample's token mean (GRPO); `token`: sum over all tokens / tokens (DAPO).", {
        default: "sequence",
      }),
      ...judgeComposition,
    }),
    call("rloo", "REINFORCE leave-one-out (baseline): each sample's baseline is the mean reward of its prompt's other samples; needs generations ≥ 2. See docs/optimizers.md.", {
      ...sampling,
      kl_coef: num("Coefficient β of the sequence KL `log π_old − log π_ref` subtracted from the reward (0: none).", { default: 0.05, min: 0 }),
      ...judgeComposition,
    }),
    call("ppo", "Proximal policy optimization (baseline): a value model, GAE over per-token rewards, clipped policy and value losses, per-token KL penalty in the reward. See docs/optimizers.md.", {
      ...sampling,
      value_model: nullable(
        modelInput("The value model (critic), read at every token: a model declaration (`builtin(...)`: the built-in transformer with a fresh scalar head; `hf`/`local`: the checkpoint as a one-label sequence-classification model, a fresh head on a causal LM) or a `reward_model` stage's `.model` to start from a trained reward model. Its backend and tokenizer must be the policy's (AL4355, AL4356). Saved trained in the stage's `model/value/<name>/`."),
        "none: PPO refuses to run without one (AL4355)",
      ),
      value_lr: num("Learning rate of the value model's own AdamW (weight decay and gradient clip are the stage's).", { default: 1e-5, min: 0 }),
      value_clip: num("Clip range of the value loss: `V` is kept within `V_old ± value_clip` in its clipped term.", { default: 0.2, min: 0 }),
      clip_eps: num("Clip range ε of the per-token ratio `π/π_old` in the policy loss; 0 < ε < 1 (AL4351).", { default: 0.2, min: 0 }),
      ppo_epochs: int("Policy and value updates per rollout, each against the rollout's old log-probs and values.", { default: 4, min: 1 }),
      gamma: num("Discount γ of GAE over response tokens.", { default: 1.0, min: 0, max: 1 }),
      lam: num("λ of GAE: 1 gives Monte-Carlo returns minus the value, 0 one-step TD errors.", { default: 0.95, min: 0, max: 1 }),
      kl_coef: num("Coefficient β of the per-token KL to the reference subtracted from each token's reward (0: none).", { default: 0.05, min: 0 }),
      kl_estimator: enumOf(["k1", "k3"], "Per-token KL estimator in the reward: `k1` = log π_old − log π_ref (TRL, verl's `kl`), `k3` = π_ref/π − log(π_ref/π) − 1.", { default: "k1" }),
      whiten_advantages: bool("Whiten the GAE advantages: `(A − mean) / sqrt(var + 1e-8)` over every response token of the task's batch (all ranks), the value targets left as they are. `true` (the default) is what TRL's PPOTrainer, OpenRLHF and verl's GAE do; `false` keeps the raw GAE advantages.", { default: true }),
      ...judgeComposition,
    }),
  ],
  "The task's optimizer, e.g. `crpg { generations = 8  kl_max = 0.2 }` or `grpo { generations = 8  kl_coef = 0.04 }`.",
);

export const taskFields = {
  prompts: list(ref("dataset", "A prompt source."), "The task's prompt sources.", { nonEmpty: true }),
  reward: ref("reward", "The task's reward model."),
  judges: list(ref("judge", "A judge."), "The mixture of judges; a response is feasible when every judge is satisfied.", { default: [] }),
  optimizer,
  weight: num("The task's weight ρ in the multi-task loss `Σ ρ_l · loss_l`.", { default: 1.0 }),
  batch_size: int("Prompts per step (global, divided over data-parallel ranks).", { default: 8, min: 1 }),
  template: template("The prompt the policy sees, filled from each prompt source's data fields, e.g. `\"Question: {prompt}\\nAnswer:\"`.", {
    default: { text: "{prompt}", file: null, slots: ["prompt"] },
    defaultNote: "the prompt as is",
  }),
};

export const taskKind: KindSpec = {
  name: "task",
  doc: "A CGPO task: prompt sources, reward, judges, optimizer and weight.",
  naming: "named",
  common: taskFields,
  variants: null,
  syntax: "task NAME { ... }",
};
