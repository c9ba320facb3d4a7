/**
 * PPO's advantages come from a value model (critic). The worker builds it as the reward models
 * are built: the built-in transformer with a scalar head, fresh from a `builtin(...)` model
 * declaration or trained by a `reward_model` stage. Without one PPO cannot run (AL4355); a
 * language model (Hugging Face, or an sft/dpo/cgpo stage's output) has no value head (AL4356).
 */
import type { Call, Declaration } from "../../../grammar/ast.js";
import type { Fix } from "../../../grammar/diagnostic.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Plan } from "../../plan/types.js";
import type { RuleContext, Rule } from "../rule.js";
import { baseModelName } from "../../estimate/index.js";
import { declarations } from "./support/ast.js";
import { pointer } from "./support/pointer.js";

type Obj = Record<string, unknown>;

export const ppoNeedsValueModelCode: CodeInfo = {
  code: "AL4355",
  severity: "error",
  title: "PPO without a value model",
  description:
    "PPO's advantages are GAE over a learned value model's per-token estimates; a `ppo` " +
    "optimizer needs `value_model`: a `builtin(...)` model declaration (a fresh scalar head) " +
    "or a `reward_model` stage's `.model` (the usual start: the trained reward model).",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = ppo { generations = 4 }\n}\n",
};

export const ppoValueModelShapeCode: CodeInfo = {
  code: "AL4356",
  severity: "error",
  title: "PPO value model that is not a scalar-head model",
  description:
    "The value model is the built-in transformer with the reward models' scalar head, read at " +
    "every token. It can be a `builtin(...)` model declaration or a `reward_model` stage's " +
    "`.model`; a Hugging Face model, an endpoint or a language model trained by an sft, dpo " +
    "or cgpo stage has no value head. It reads the policy's token ids, so the cgpo stage that " +
    "trains a PPO task needs a `builtin(...)` policy too.",
  example:
    'model big { from = hf("org/m-1b") }\ndataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = ppo { value_model = big }\n}\n",
};

/** What a value_model names that cannot be a value model, or undefined when it can. */
function unfit(plan: Plan, value: Obj): string | undefined {
  if (typeof value["model"] === "string") {
    const from = (plan.models[value["model"]] as Obj | undefined)?.["from"] as Obj | undefined;
    return from === undefined || from["type"] === "builtin" ? undefined : `\`${value["model"]}\` is a ${String(from["type"])} model`;
  }
  const stage = value["stage"];
  const variant = typeof stage === "string" ? (plan.stages[stage] as Obj | undefined)?.["variant"] : undefined;
  return variant === undefined || variant === "reward_model" ? undefined : `\`${String(stage)}.model\` is the language model a ${String(variant)} stage trains`;
}

/** A candidate for the fix: the first reward_model stage, else the first builtin model. */
function candidate(plan: Plan): string | undefined {
  const rm = Object.entries(plan.stages).find(([, s]) => (s as Obj)["variant"] === "reward_model");
  if (rm) return `${rm[0]}.model`;
  const builtin = Object.entries(plan.models).find(([, m]) => ((m as Obj)["from"] as Obj | undefined)?.["type"] === "builtin");
  return builtin?.[0];
}

function optimizerCall(context: RuleContext, task: string): Call | undefined {
  for (const document of context.documents) {
    const decl = declarations(document).find((d: Declaration) => d.declKind.name === "task" && d.name?.name === task);
    const value = decl?.body?.fields.find((f) => f.name.name === "optimizer")?.value;
    if (value?.kind === "Call") return value;
  }
  return undefined;
}

function addValueModel(context: RuleContext, task: string, value: string): Fix | undefined {
  const block = optimizerCall(context, task)?.block;
  if (!block) return undefined;
  const s = block.span;
  const at = { file: s.file, offset: s.offset + 1, length: 0, line: s.line, column: s.column + 1 };
  return { title: `add \`value_model = ${value}\``, edits: [{ span: at, newText: ` value_model = ${value} ` }] };
}

/** cgpo stages whose policy is not a builtin model but train a PPO task: the value model
 * (byte vocabulary) cannot read the policy's tokens. */
function nonBuiltinPolicies(context: RuleContext) {
  const { plan } = context;
  return Object.entries(plan.stages).flatMap(([name, stage]) => {
    const s = stage as Obj;
    if (s["variant"] !== "cgpo") return [];
    const ppo = ((s["tasks"] as Obj[] | undefined) ?? []).map((t) => t["task"]).filter((t) => typeof t === "string" && (plan.tasks[t]?.optimizer as unknown as Obj | undefined)?.["variant"] === "ppo");
    const model = baseModelName(plan, s["policy"]);
    const from = model === undefined ? undefined : ((plan.models[model] as Obj | undefined)?.["from"] as Obj | undefined);
    if (ppo.length === 0 || from === undefined || from["type"] === "builtin") return [];
    return [
      context.diagnostic(ppoValueModelShapeCode.code, context.spanOf(pointer("stages", name, "policy")), `stage \`${name}\` trains PPO task \`${String(ppo[0])}\` with a ${String(from["type"])} policy; PPO's value model reads the policy's tokens and needs a builtin(...) policy`, {
        help: "use a builtin(...) policy for PPO tasks, or another optimizer (grpo, rloo) for this policy",
      }),
    ];
  });
}

function valueModels(context: RuleContext) {
  const { plan } = context;
  return Object.entries(plan.tasks).flatMap(([name, task]) => {
    const optimizer = task.optimizer as unknown as Obj;
    if (optimizer["variant"] !== "ppo") return [];
    const value = optimizer["value_model"] as Obj | null | undefined;
    if (value == null) {
      const pick = candidate(plan);
      const fix = pick === undefined ? undefined : addValueModel(context, name, pick);
      return [
        context.diagnostic(ppoNeedsValueModelCode.code, context.spanOf(pointer("tasks", name, "optimizer")), `task \`${name}\` uses PPO without a value model`, {
          help: "add `value_model = rm.model` (a reward_model stage's output) or a `builtin(...)` model declaration",
          ...(fix ? { fix } : {}),
        }),
      ];
    }
    const why = unfit(plan, value);
    if (why === undefined) return [];
    return [
      context.diagnostic(ppoValueModelShapeCode.code, context.spanOf(pointer("tasks", name, "optimizer", "value_model")), `task \`${name}\`'s value model cannot carry a value head: ${why}`, {
        help: "use a `builtin(...)` model declaration or a `reward_model` stage's `.model`",
      }),
    ];
  });
}

export const ppoValueModelRule: Rule = {
  name: "PpoValueModel",
  codes: [ppoNeedsValueModelCode.code, ppoValueModelShapeCode.code],
  check(context) {
    return [...valueModels(context), ...nonBuiltinPolicies(context)];
  },
};
