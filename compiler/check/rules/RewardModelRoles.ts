/**
 * A reward_model stage trains a scorer, not a language model: its `.model` is a reward's `from`
 * and nothing else, and a reward's `from = s.model` must name a reward_model stage. Mixing the
 * two would load a scalar head as a policy, or a policy as a scorer, at run time.
 */
import type { Diagnostic } from "../../../grammar/diagnostic.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Plan } from "../../plan/types.js";
import type { RuleContext, Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

type Obj = Record<string, unknown>;

export const rewardModelRolesCode: CodeInfo = {
  code: "AL4353",
  severity: "error",
  title: "A reward model used as a language model, or a language model as a reward",
  description:
    "A `reward_model` stage produces a scorer (a transformer with a scalar head): use it as " +
    "`reward r { from = rm.model }`. It cannot be a policy, a reference, a generator or the " +
    "start of another stage. Conversely a reward's `from = s.model` must name a " +
    "`reward_model` stage: an `sft`, `dpo` or `cgpo` stage trains a language model, which " +
    "has no score head.",
  example:
    'model m { from = builtin() }\ndataset d = jsonl("d.jsonl") { target = "t" }\n' +
    "stage s = sft { model = m  data = [d] }\nreward r { from = s.model }\n",
};

/** Fields of a stage (or a reward's baseline) that take a language model. */
const MODEL_FIELDS = ["model", "policy", "reference"] as const;

function stageOf(value: unknown): string | undefined {
  const stage = (value as Obj | null)?.["stage"];
  return typeof stage === "string" ? stage : undefined;
}

function variantOf(plan: Plan, stage: string): string | undefined {
  return (plan.stages[stage] as Obj | undefined)?.["variant"] as string | undefined;
}

function misusedScorers(context: RuleContext) {
  const { plan } = context;
  const uses: { at: string; stage: string; owner: string }[] = [];
  for (const [name, stage] of Object.entries(plan.stages)) {
    for (const field of MODEL_FIELDS) {
      const used = stageOf((stage as Obj)[field]);
      if (used !== undefined) uses.push({ at: pointer("stages", name, field), stage: used, owner: `stage \`${name}\`'s \`${field}\`` });
    }
  }
  for (const [name, reward] of context.entriesOf("rewards")) {
    const baseline = reward.baseline as Obj;
    const used = baseline["type"] === "generated" ? stageOf(baseline["model"]) : undefined;
    if (used !== undefined) uses.push({ at: pointer("rewards", name, "baseline", "model"), stage: used, owner: `reward \`${name}\`'s generated baseline` });
  }
  return uses
    .filter((use) => variantOf(plan, use.stage) === "reward_model")
    .map((use) =>
      context.diagnostic(rewardModelRolesCode.code, context.spanOf(use.at), `${use.owner} is the reward model \`${use.stage}\` trains; it needs a language model`, {
        help: `use \`${use.stage}.model\` as a reward: \`reward r { from = ${use.stage}.model }\``,
      }),
    );
}

function policiesAsRewards(context: RuleContext) {
  const { plan } = context;
  const found: Diagnostic[] = [];
  for (const [name, reward] of context.entriesOf("rewards")) {
    const from = reward.from as Obj;
    const stage = from["type"] === "stage" ? stageOf(from) : undefined;
    const variant = stage === undefined ? undefined : variantOf(plan, stage);
    if (stage === undefined || variant === undefined || variant === "reward_model") continue;
    found.push(
      context.diagnostic(rewardModelRolesCode.code, context.spanOf(pointer("rewards", name, "from")), `reward \`${name}\` scores with \`${stage}.model\`, a language model trained by a ${variant} stage; a reward needs a reward model`, {
        help: "train one with `stage rm = reward_model { model = ...  data = [pairs] }` and write `from = rm.model`",
      }),
    );
  }
  return found;
}

export const rewardModelRolesRule: Rule = {
  name: "RewardModelRoles",
  codes: [rewardModelRolesCode.code],
  check: (context) => [...misusedScorers(context), ...policiesAsRewards(context)],
};
