/**
 * Words people bring from other post-training tools (TRL, verl, OpenRLHF, Axolotl, Hugging Face
 * Trainer, DeepSpeed), mapped to align's. Did-you-mean consults this table before edit distance:
 * `learning_rate` is nowhere near `lr` by spelling. A synonym is offered only where its target
 * is valid at that place (a field of that block, a member of that enum, a variant of that kind).
 * Where the concepts differ, `why` says how, in a clause (docs/coming-from.md says more).
 */

export interface Synonym {
  readonly target: string;
  readonly why?: string;
  /**
   * The value written for the foreign word means something else under align's name (a ratio
   * for a step count, a penalty coefficient for a gate, a path for a model source): renaming
   * alone would be wrong or silently change the recipe, so there is no fix-it, only the help.
   */
  readonly keepsValue?: false;
}

const WARMUP_RATIO = "align counts warmup in optimizer steps: write `warmup = N` with N = ratio × steps";
const KL_GATE = "align bounds the KL with a gate (`kl_max`, nats per sequence) instead of a penalty coefficient";
const MODEL_SOURCE = "write the source as a call: `from = hf(\"ORG/NAME\")`, or `local(\"dir\")` for a checkpoint on disk";
const MICRO = "align's `batch_size` is the global batch; the per-GPU share is `micro_batch_size`";

/** Lower-cased foreign word → candidates in order of preference; the first valid one wins. */
const TABLE: ReadonlyMap<string, readonly Synonym[]> = new Map<string, readonly Synonym[]>([
  // Optimization (TRL/HF Trainer, Axolotl, verl `optim.lr`, OpenRLHF `actor_learning_rate`).
  ["learning_rate", [{ target: "lr" }]],
  ["actor_learning_rate", [{ target: "lr" }]],
  ["learning_rate_init", [{ target: "lr" }]],
  ["lr_scheduler", [{ target: "schedule" }]],
  ["lr_scheduler_type", [{ target: "schedule" }]],
  ["scheduler", [{ target: "schedule" }]],
  ["warmup_steps", [{ target: "warmup" }]],
  ["num_warmup_steps", [{ target: "warmup" }]],
  ["lr_warmup_steps", [{ target: "warmup" }]],
  ["warmup_ratio", [{ target: "warmup", why: WARMUP_RATIO, keepsValue: false }]],
  ["lr_warmup_steps_ratio", [{ target: "warmup", why: WARMUP_RATIO, keepsValue: false }]],
  ["lr_warmup_ratio", [{ target: "warmup", why: WARMUP_RATIO, keepsValue: false }]],
  ["max_grad_norm", [{ target: "clip" }]],
  ["grad_clip", [{ target: "clip" }]],
  ["gradient_clipping", [{ target: "clip" }]],
  ["clip_grad", [{ target: "clip" }]],
  ["gradient_accumulation_steps", [{ target: "grad_accum" }]],
  ["gradient_accumulation", [{ target: "grad_accum" }]],
  ["accumulate_grad_batches", [{ target: "grad_accum" }]],
  ["num_train_epochs", [{ target: "epochs" }]],
  ["num_epochs", [{ target: "epochs" }]],
  ["n_epochs", [{ target: "epochs" }]],
  ["max_epochs", [{ target: "epochs" }]],
  ["total_epochs", [{ target: "epochs" }]],
  ["max_steps", [{ target: "steps" }]],
  ["total_steps", [{ target: "steps" }]],
  ["total_training_steps", [{ target: "steps" }]],
  ["num_training_steps", [{ target: "steps" }]],
  ["num_train_steps", [{ target: "steps" }]],
  ["save_steps", [{ target: "checkpoint_every" }]],
  ["save_freq", [{ target: "checkpoint_every" }]],
  ["save_interval", [{ target: "checkpoint_every" }]],
  ["checkpoint_steps", [{ target: "checkpoint_every" }]],
  // Batches.
  ["per_device_train_batch_size", [{ target: "micro_batch_size", why: MICRO }]],
  ["ppo_micro_batch_size_per_gpu", [{ target: "micro_batch_size", why: MICRO }]],
  ["micro_train_batch_size", [{ target: "micro_batch_size", why: MICRO }]],
  ["micro_batch_size_per_gpu", [{ target: "micro_batch_size", why: MICRO }]],
  ["ppo_micro_batch_size", [{ target: "micro_batch_size", why: MICRO }]],
  ["train_batch_size", [{ target: "batch_size" }]],
  ["global_batch_size", [{ target: "batch_size" }]],
  ["rollout_batch_size", [{ target: "batch_size" }]],
  ["ppo_mini_batch_size", [{ target: "batch_size" }]],
  ["mini_batch_size", [{ target: "batch_size" }]],
  // KL and RL sampling.
  ["kl_coef", [{ target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["init_kl_coef", [{ target: "kl_coef" }, { target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["kl_loss_coef", [{ target: "kl_coef" }, { target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["beta", [{ target: "kl_coef", why: "TRL's GRPOConfig calls the KL coefficient `beta`; align's `beta` is CODPO's DPO temperature" }]],
  ["kl_penalty", [{ target: "kl_estimator" }, { target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["kl_loss_type", [{ target: "kl_estimator" }]],
  ["kl_max", [{ target: "kl_coef", why: "`kl_max` is CRPG's gate threshold in nats; GRPO and RLOO penalise the KL with a coefficient", keepsValue: false }]],
  // GRPO's clipped ratio and aggregation (TRL GRPOConfig, verl actor config).
  ["epsilon", [{ target: "clip_eps" }]],
  ["cliprange", [{ target: "clip_eps" }]],
  ["clip_ratio", [{ target: "clip_eps" }]],
  ["clip_range", [{ target: "clip_eps" }]],
  ["num_iterations", [{ target: "ppo_epochs" }]],
  ["num_ppo_epochs", [{ target: "ppo_epochs" }]],
  // PPO's value model (TRL PPOConfig, verl critic config, OpenRLHF).
  ["cliprange_value", [{ target: "value_clip" }]],
  ["critic_learning_rate", [{ target: "value_lr" }]],
  ["critic_lr", [{ target: "value_lr" }]],
  ["gae_lambda", [{ target: "lam" }]],
  ["lambd", [{ target: "lam" }]],
  ["normalize_advantage", [{ target: "whiten_advantages" }]],
  ["normalize_advantages", [{ target: "whiten_advantages" }]],
  ["advantage_normalization", [{ target: "whiten_advantages" }]],
  ["loss_type", [{ target: "loss_aggregation" }]],
  ["loss_agg_mode", [{ target: "loss_aggregation" }]],
  ["norm_adv_by_std_in_grpo", [{ target: "scale_rewards" }]],
  ["kl_ctl", [{ target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["target_kl", [{ target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["kl_target", [{ target: "kl_max", why: KL_GATE, keepsValue: false }]],
  ["num_generations", [{ target: "generations" }, { target: "samples" }]],
  ["n", [{ target: "generations" }, { target: "samples" }]],
  ["n_samples_per_prompt", [{ target: "generations" }, { target: "samples" }]],
  ["num_return_sequences", [{ target: "generations" }, { target: "samples" }]],
  ["responses_per_prompt", [{ target: "generations" }, { target: "samples" }]],
  ["group_size", [{ target: "generations" }]],
  ["rollout_n", [{ target: "generations" }, { target: "samples" }]],
  ["do_sample", [{ target: "temperature", why: "align samples unless `temperature = 0`, which decodes greedily", keepsValue: false }]],
  ["max_new_tokens", [{ target: "max_tokens" }]],
  ["max_completion_length", [{ target: "max_tokens" }]],
  ["max_response_length", [{ target: "max_tokens" }]],
  ["response_length", [{ target: "max_tokens" }]],
  ["generate_max_len", [{ target: "max_tokens" }]],
  ["max_gen_len", [{ target: "max_tokens" }]],
  ["max_seq_length", [{ target: "max_length" }, { target: "context" }]],
  ["max_seq_len", [{ target: "max_length" }, { target: "context" }]],
  ["sequence_len", [{ target: "max_length" }, { target: "context" }]],
  ["seq_length", [{ target: "max_length" }, { target: "context" }]],
  ["cutoff_len", [{ target: "max_length" }]],
  ["model_max_length", [{ target: "max_length" }, { target: "context" }]],
  ["max_len", [{ target: "max_length" }, { target: "max_tokens" }]],
  ["prompt_max_len", [{ target: "max_prompt_length" }]],
  ["max_prompt_len", [{ target: "max_prompt_length" }]],
  ["dpo_beta", [{ target: "beta" }]],
  ["rpo_alpha", [{ target: "lambda" }]],
  ["sft_loss_coef", [{ target: "lambda" }]],
  // Models.
  ["model_name_or_path", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["base_model", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["pretrain", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["model_path", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["model_name", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["path", [{ target: "from", why: MODEL_SOURCE, keepsValue: false }]],
  ["ref_model", [{ target: "reference" }]],
  ["reference_model", [{ target: "reference" }]],
  ["ref_model_name_or_path", [{ target: "reference" }]],
  ["ref_pretrain", [{ target: "reference" }]],
  ["torch_dtype", [{ target: "dtype" }]],
  ["precision", [{ target: "dtype" }]],
  ["mixed_precision", [{ target: "dtype" }]],
  ["bf16", [{ target: "dtype" }]],
  ["lora_r", [{ target: "rank" }]],
  ["r", [{ target: "rank" }]],
  ["lora_rank", [{ target: "rank" }]],
  ["lora_alpha", [{ target: "alpha" }]],
  ["lora_dropout", [{ target: "dropout" }]],
  ["target_modules", [{ target: "targets" }]],
  ["lora_target_modules", [{ target: "targets" }]],
  ["lora_target", [{ target: "targets" }]],
  ["adapter", [{ target: "lora" }]],
  ["use_lora", [{ target: "lora" }]],
  ["peft_config", [{ target: "lora" }]],
  // Data.
  ["dataset", [{ target: "data" }, { target: "prompts" }]],
  ["datasets", [{ target: "data" }, { target: "prompts" }]],
  ["train_files", [{ target: "data" }, { target: "prompts" }]],
  ["train_file", [{ target: "data" }, { target: "prompts" }]],
  ["data_files", [{ target: "data" }, { target: "prompts" }]],
  ["prompt_data", [{ target: "prompts" }, { target: "data" }]],
  ["prompt_key", [{ target: "prompt" }]],
  ["input_key", [{ target: "prompt" }]],
  ["chat_template", [{ target: "template" }]],
  ["prompt_template", [{ target: "template" }]],
  // Machines.
  ["n_gpus_per_node", [{ target: "gpus_per_node" }]],
  ["num_gpus", [{ target: "gpus_per_node" }]],
  ["nproc_per_node", [{ target: "gpus_per_node" }]],
  ["gpus", [{ target: "gpus_per_node" }]],
  ["nnodes", [{ target: "nodes" }]],
  ["num_nodes", [{ target: "nodes" }]],
  ["zero_stage", [{ target: "sharding" }]],
  ["deepspeed", [{ target: "sharding" }]],
  ["fsdp_config", [{ target: "sharding" }]],
  ["strategy", [{ target: "sharding" }]],
  ["time_limit", [{ target: "time" }]],
  ["walltime", [{ target: "time" }]],
  // Enum members and variants.
  ["reinforce", [{ target: "crpg" }]],
  ["dr_grpo", [{ target: "grpo", why: "Dr. GRPO is `grpo { scale_rewards = false  loss_aggregation = token }`" }]],
  ["dapo", [{ target: "grpo" }, { target: "token" }]],
  ["ppo", [{ target: "crpg", why: "align has no critic and no ratio clipping: CRPG is REINFORCE with a KL gate" }, { target: "cgpo" }]],
  ["rlhf", [{ target: "cgpo" }]],
  ["grpo", [{ target: "cgpo", why: "GRPO is a task's optimizer (`optimizer = grpo { ... }`); a `cgpo` stage trains the policy on its tasks" }]],
  ["rloo", [{ target: "cgpo", why: "RLOO is a task's optimizer (`optimizer = rloo { ... }`); a `cgpo` stage trains the policy on its tasks" }]],
  ["dpo", [{ target: "codpo" }]],
  ["raft", [{ target: "crraft" }]],
  ["rejection_sampling", [{ target: "crraft" }]],
  ["bfloat16", [{ target: "bf16" }]],
  ["torch.bfloat16", [{ target: "bf16" }]],
  ["float16", [{ target: "fp16" }]],
  ["half", [{ target: "fp16" }]],
  ["float32", [{ target: "fp32" }]],
  ["float", [{ target: "fp32" }]],
  ["full", [{ target: "fp32" }]],
  ["zero3", [{ target: "fsdp", why: "FSDP shards parameters, gradients and optimizer state, as ZeRO-3 does" }]],
  ["zero_3", [{ target: "fsdp", why: "FSDP shards parameters, gradients and optimizer state, as ZeRO-3 does" }]],
  ["zero2", [{ target: "fsdp" }]],
  ["full_shard", [{ target: "fsdp" }]],
  ["no_shard", [{ target: "ddp" }]],
  ["zero0", [{ target: "ddp" }]],
  ["cosine_with_restarts", [{ target: "cosine" }]],
  ["cosine_with_min_lr", [{ target: "cosine" }]],
  ["constant_with_warmup", [{ target: "constant" }]],
  ["sigmoid", [{ target: "dpo" }]],
  ["huggingface", [{ target: "hf" }]],
  ["transformers", [{ target: "hf" }]],
  ["openai", [{ target: "endpoint" }]],
  ["vllm", [{ target: "endpoint" }]],
]);

/** The synonym of `word` valid among `candidates`, if the table has one. */
export function synonymFor(word: string, candidates: Iterable<string>): Synonym | undefined {
  const options = TABLE.get(word.toLowerCase());
  if (options === undefined) return undefined;
  const valid = new Set(candidates);
  return options.find((o) => valid.has(o.target));
}

/** Every foreign word in the table (docs and tests). */
export function synonymWords(): string[] {
  return [...TABLE.keys()];
}
