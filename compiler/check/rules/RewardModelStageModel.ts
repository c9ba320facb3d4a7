/**
 * A reward_model stage adds a scalar head to a model the worker can train: a `builtin(...)`
 * transformer or a Hugging Face checkpoint (`hf`, `local`, or an sft/dpo/cgpo stage's output
 * of either), loaded as a one-label sequence-classification model. An endpoint has no weights
 * to train, and a Hugging Face reward model trains replicated (one GPU or DDP), not FSDP-sharded.
 * Say so at check time rather than when the stage starts.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { baseModelName, estimateStages } from "../../estimate/index.js";
import type { RuleContext, Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

type Obj = Record<string, unknown>;

export const rewardModelStageModelCode: CodeInfo = {
  code: "AL4354",
  severity: "error",
  title: "reward_model stage on a model it cannot train",
  description:
    "A `reward_model` stage starts from a `builtin(...)` model or a Hugging Face checkpoint " +
    "(`hf`, `local`, or an sft/dpo/cgpo stage trained from one) and adds a scalar head. An " +
    "`endpoint(...)` model has no weights to train. A Hugging Face reward model is trained " +
    "on one GPU or replicated with DDP, never FSDP-sharded: under `sharding = fsdp` (or `auto` " +
    "when the model does not fit one GPU) set `sharding = ddp`, or train the reward model elsewhere " +
    "and use it with `reward r { from = hf(\"org/rm\") }`.",
  example:
    'model m { from = endpoint("http://rm:8000/v1", model = "rm") }\ndataset d = jsonl("d.jsonl") { chosen = "c"  rejected = "r" }\n' +
    "stage rm = reward_model { model = m  data = [d] }\n",
};

/** Names of stages the cluster would FSDP-shard: declared, or `auto` resolved by the estimate. */
function fsdpStages(context: RuleContext): Set<string> {
  const { plan } = context;
  const cluster = (plan.cluster ?? {}) as Obj;
  const ranks = Number(cluster["nodes"] ?? 1) * Number(cluster["gpus_per_node"] ?? 0);
  const io = { readFile: (path: string) => context.readFile(path), hubCache: context.hubCache };
  const estimates = estimateStages(plan, io);
  return new Set(
    Object.keys(plan.stages).filter((name) => estimates[name]?.sharding === "fsdp" || (estimates[name] === undefined && cluster["sharding"] === "fsdp" && ranks > 1)),
  );
}

export const rewardModelStageModelRule: Rule = {
  name: "RewardModelStageModel",
  codes: [rewardModelStageModelCode.code],
  check(context) {
    const { plan } = context;
    const stages = Object.entries(plan.stages).filter(([, s]) => s.variant === "reward_model");
    const sharded = stages.length > 0 ? fsdpStages(context) : new Set<string>();
    return stages.flatMap(([name, stage]) => {
      const base = baseModelName(plan, (stage as Obj)["model"]);
      const type = base === undefined ? undefined : (((plan.models[base] as Obj | undefined)?.["from"] as Obj | undefined)?.["type"] as string | undefined);
      const at = context.spanOf(pointer("stages", name, "model"));
      if (type === "endpoint") {
        return [
          context.diagnostic(rewardModelStageModelCode.code, at, `reward_model stage \`${name}\` cannot train \`${base}\`, an endpoint model`, {
            help: "start it from a `builtin(...)`, `hf(...)` or `local(...)` model declaration",
          }),
        ];
      }
      if ((type === "hf" || type === "local") && sharded.has(name)) {
        return [
          context.diagnostic(rewardModelStageModelCode.code, at, `reward_model stage \`${name}\` would FSDP-shard the Hugging Face model \`${base}\`; a Hugging Face reward model trains on one GPU or replicated (DDP)`, {
            help: "set `sharding = ddp` in the cluster block, or use a model that fits one GPU",
          }),
        ];
      }
      return [];
    });
  },
};
