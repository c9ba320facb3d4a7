/**
 * The built-in model has a fixed context; sequences longer than it cannot be embedded. Only
 * checkable for the built-in model, whose context is declared in the recipe.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Plan } from "../../plan/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const builtinContextFitsCode: CodeInfo = {
  code: "AL6004",
  severity: "error",
  title: "generation or training length exceeds the built-in model's context",
  description:
    "The built-in transformer has learned positions up to `context` tokens. A stage or task " +
    "that generates `max_tokens` tokens, or trains on `max_length` tokens, beyond that context " +
    "cannot run. Lower the length or raise `context`.",
  example:
    "model tiny { from = builtin(context = 64) }\ndataset d = jsonl(\"d.jsonl\")\n" +
    "stage g = generate { model = tiny  prompts = d  max_tokens = 128 }\n",
};

/** The context of the built-in model behind a MODEL value, following stage outputs. */
export function builtinContext(plan: Plan, value: unknown, seen = new Set<string>()): { model: string; context: number } | undefined {
  const ref = value as { model?: string; stage?: string } | null;
  if (ref?.model !== undefined) {
    const from = plan.models[ref.model]?.from;
    return from?.type === "builtin" ? { model: ref.model, context: from.context } : undefined;
  }
  if (ref?.stage === undefined || seen.has(ref.stage)) return undefined;
  seen.add(ref.stage);
  const stage = plan.stages[ref.stage] as Record<string, unknown> | undefined;
  return builtinContext(plan, stage?.["model"] ?? stage?.["policy"], seen);
}

export const builtinContextFitsRule: Rule = {
  name: "BuiltinContextFits",
  codes: [builtinContextFitsCode.code],
  check(context) {
    const { plan } = context;
    const out: ReturnType<RuleContext["diagnostic"]>[] = [];
    for (const [name, stage] of Object.entries(plan.stages)) {
      const model = builtinContext(plan, "policy" in stage ? stage.policy : "model" in stage ? stage.model : undefined);
      if (!model) continue;
      const lengths: [string, number][] = [];
      if ("max_tokens" in stage) lengths.push(["max_tokens", stage.max_tokens]);
      // A defaulted max_length is only a truncation limit; the runtime caps it at the context.
      if ("max_length" in stage && plan.provenance[pointer("stages", name, "max_length")] !== "default") {
        lengths.push(["max_length", stage.max_length]);
      }
      for (const [field, length] of lengths) {
        if (length > model.context) out.push(report(context, pointer("stages", name, field), `stage \`${name}\``, field, length, model));
      }
      if (stage.variant === "cgpo") {
        for (const { task } of stage.tasks) {
          const optimizer = plan.tasks[task]?.optimizer;
          if (optimizer && optimizer.max_tokens > model.context) {
            out.push(report(context, pointer("tasks", task, "optimizer", "max_tokens"), `task \`${task}\``, "max_tokens", optimizer.max_tokens, model));
          }
        }
      }
    }
    return out;
  },
};

function report(context: RuleContext, at: string, owner: string, field: string, length: number, model: { model: string; context: number }) {
  return context.diagnostic(
    builtinContextFitsCode.code,
    context.spanOf(at),
    `${owner} has ${field} = ${length}, beyond the ${model.context}-token context of built-in model \`${model.model}\``,
    { help: `use ${field} <= ${model.context}, or raise \`context\` in \`builtin(...)\`` },
  );
}
