/**
 * PPO's advantages come from a value model (critic): a reward-model-shaped network read at every
 * token, built from a model declaration (`builtin(...)`: the built-in transformer with a fresh
 * scalar head; `hf`/`local`: the checkpoint as a one-label sequence-classification model) or a
 * `reward_model` stage's trained output. Without one PPO cannot run (AL4355); an endpoint or a
 * language model trained by an sft, dpo or cgpo stage is not one, and a value model reads the
 * policy's token ids, so its backend must be the policy's (AL4356).
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
    "optimizer needs `value_model`: a model declaration (`builtin(...)`, or a Hugging Face " +
    "`hf`/`local` checkpoint, which gets a fresh scalar head) or a `reward_model` stage's " +
    "`.model` (the usual start: the trained reward model).",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = ppo { generations = 4 }\n}\n",
};

export const ppoValueModelShapeCode: CodeInfo = {
  code: "AL4356",
  severity: "error",
  title: "PPO value model that is not a scalar-head model of the policy's kind",
  description:
    "The value model is a reward-model-shaped network read at every token: a `builtin(...)`, " +
    "`hf(...)` or `local(...)` model declaration, or a `reward_model` stage's `.model`. An " +
    "endpoint or a language model trained by an sft, dpo or cgpo stage is not one. It reads " +
    "the policy's token ids, so a built-in value model needs a `builtin(...)` policy and a " +
    "Hugging Face one a Hugging Face policy (with the same tokenizer, checked when the stage starts).",
  example:
    'model e { from = endpoint("http://v:8000/v1", model = "v") }\ndataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = ppo { value_model = e }\n}\n",
};

/** builtin or hf: the backend of the model a MODEL value (declaration or stage output) stands for. */
function backendOf(plan: Plan, value: unknown): "builtin" | "hf" | undefined {
  const name = baseModelName(plan, value);
  const type = name === undefined ? undefined : (((plan.models[name] as Obj | undefined)?.["from"] as Obj | undefined)?.["type"] as string | undefined);
  return type === "builtin" ? "builtin" : type === "hf" || type === "local" ? "hf" : undefined;
}

/** What a value_model names that cannot be a value model, or undefined when it can. */
function unfit(plan: Plan, value: Obj): string | undefined {
  if (typeof value["model"] === "string") {
    const from = (plan.models[value["model"]] as Obj | undefined)?.["from"] as Obj | undefined;
    return from === undefined || from["type"] !== "endpoint" ? undefined : `\`${value["model"]}\` is an endpoint model`;
  }
  const stage = value["stage"];
  const variant = typeof stage === "string" ? (plan.stages[stage] as Obj | undefined)?.["variant"] : undefined;
  return variant === undefined || variant === "reward_model" ? undefined : `\`${String(stage)}.model\` is the language model a ${String(variant)} stage trains`;
}

/** A candidate for the fix: a reward_model stage of the policy's backend, else (a Hugging Face
 * policy) the policy's own base model, else the first builtin model. */
function candidate(plan: Plan, task: string): string | undefined {
  const trainer = Object.values(plan.stages).find((s) => (s as Obj)["variant"] === "cgpo" && (((s as Obj)["tasks"] as Obj[] | undefined) ?? []).some((t) => t["task"] === task)) as Obj | undefined;
  const policy = trainer === undefined ? undefined : backendOf(plan, trainer["policy"]);
  const rm = Object.entries(plan.stages).find(([, s]) => (s as Obj)["variant"] === "reward_model" && (policy === undefined || backendOf(plan, (s as Obj)["model"]) === policy));
  if (rm) return `${rm[0]}.model`;
  if (policy === "hf") return baseModelName(plan, trainer?.["policy"]);
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

/** cgpo stages training a PPO task whose value model's backend is not the policy's: the value
 * model cannot read the policy's token ids. */
function mismatchedPolicies(context: RuleContext) {
  const { plan } = context;
  return Object.entries(plan.stages).flatMap(([name, stage]) => {
    const s = stage as Obj;
    if (s["variant"] !== "cgpo") return [];
    const policy = backendOf(plan, s["policy"]);
    const tasks = ((s["tasks"] as Obj[] | undefined) ?? []).map((t) => t["task"]).filter((t): t is string => typeof t === "string");
    for (const task of tasks) {
      const optimizer = plan.tasks[task]?.optimizer as unknown as Obj | undefined;
      if (optimizer?.["variant"] !== "ppo" || optimizer["value_model"] == null) continue;
      const value = backendOf(plan, optimizer["value_model"]);
      if (policy === undefined || value === undefined || value === policy) continue;
      const kind = (b: string) => (b === "hf" ? "Hugging Face" : "builtin");
      return [
        context.diagnostic(ppoValueModelShapeCode.code, context.spanOf(pointer("stages", name, "policy")), `stage \`${name}\` trains PPO task \`${task}\` with a ${kind(policy)} policy and a ${kind(value)} value model; the value model reads the policy's token ids`, {
          help: policy === "hf" ? "start the value model from the policy's base model (`value_model = <the policy's model>`) or a reward_model stage trained from it" : "use a builtin(...) value model for a builtin(...) policy",
        }),
      ];
    }
    return [];
  });
}

function valueModels(context: RuleContext) {
  const { plan } = context;
  return Object.entries(plan.tasks).flatMap(([name, task]) => {
    const optimizer = task.optimizer as unknown as Obj;
    if (optimizer["variant"] !== "ppo") return [];
    const value = optimizer["value_model"] as Obj | null | undefined;
    if (value == null) {
      const pick = candidate(plan, name);
      const fix = pick === undefined ? undefined : addValueModel(context, name, pick);
      return [
        context.diagnostic(ppoNeedsValueModelCode.code, context.spanOf(pointer("tasks", name, "optimizer")), `task \`${name}\` uses PPO without a value model`, {
          help: "add `value_model = rm.model` (a reward_model stage's output) or a model declaration",
          ...(fix ? { fix } : {}),
        }),
      ];
    }
    const why = unfit(plan, value);
    if (why === undefined) return [];
    return [
      context.diagnostic(ppoValueModelShapeCode.code, context.spanOf(pointer("tasks", name, "optimizer", "value_model")), `task \`${name}\`'s value model cannot carry a value head: ${why}`, {
        help: "use a model declaration (`builtin(...)`, `hf(...)`, `local(...)`) or a `reward_model` stage's `.model`",
      }),
    ];
  });
}

export const ppoValueModelRule: Rule = {
  name: "PpoValueModel",
  codes: [ppoNeedsValueModelCode.code, ppoValueModelShapeCode.code],
  check(context) {
    return [...valueModels(context), ...mismatchedPolicies(context)];
  },
};
