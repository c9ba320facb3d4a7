/**
 * The built-in model keeps only the last `context - max_tokens` tokens of a prompt when it
 * generates (the worker cuts from the left to leave room for the response). Its tokenizer is
 * the prompt's UTF-8 bytes plus a start token, so the first rows of each dataset it prompts
 * from can be measured exactly at check time; a prompt that would lose its start is reported
 * instead of being cut silently. (A Hugging Face model's tokenizer is not available here.)
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { columnValue } from "../../data/jsonl.js";
import { renderTemplate } from "../../data/template.js";
import type { DataPlan, Plan, TemplatePlan } from "../../plan/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { builtinContext } from "./BuiltinContextFits.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";

export const promptFitsContextCode: CodeInfo = {
  code: "AL6006",
  severity: "warning",
  title: "prompt longer than the built-in model's context leaves room for",
  description:
    "When the built-in model generates, a prompt (after its template, one token per UTF-8 " +
    "byte plus a start token) and `max_tokens` must fit its `context`; a longer prompt loses " +
    "its beginning, so the model answers a question it never fully saw. `align check` " +
    "measures the first rows of each dataset the model prompts from. Raise `context`, lower " +
    "`max_tokens`, or shorten the template or the prompts.",
  example:
    'model tiny { from = builtin(context = 32) }\ndataset d = jsonl("prompts.jsonl")\n' +
    'stage g = generate { model = tiny  prompts = d  template = "Answer the question below in one word, please.\\n{prompt}"  max_tokens = 8 }\n',
};

interface Site {
  readonly model: string;
  readonly context: number;
  readonly maxTokens: number;
  /** Pointer of the max_tokens value. */
  readonly at: string;
  /** Pointer of the template; the diagnostic's place when the recipe wrote one. */
  readonly templateAt: string | null;
  readonly owner: string;
  readonly source: DataPlan;
  readonly template: TemplatePlan | null;
}

export const promptFitsContextRule: Rule = {
  name: "PromptFitsContext",
  codes: [promptFitsContextCode.code],
  check(context) {
    const out = [];
    for (const site of sites(context.plan)) {
      const long = longestPrompt(context, site);
      if (long === null) continue;
      const room = site.context - site.maxTokens;
      out.push(
        context.diagnostic(
          promptFitsContextCode.code,
          context.spanOf(written(context, site.templateAt) ? site.templateAt! : site.at),
          `${site.owner}: the prompt of ${long.where} is ${long.tokens} tokens, but built-in model \`${site.model}\` has room for ${Math.max(0, room)} (context ${site.context} - max_tokens ${site.maxTokens}); its first ${long.tokens - Math.max(1, room)} tokens would be cut`,
          { help: "raise `context` in `builtin(...)`, lower `max_tokens`, or shorten the template or the prompts" },
        ),
      );
    }
    return out;
  },
};

/** Whether the recipe wrote the template (a defaulted one is recorded field by field). */
function written(context: RuleContext, at: string | null): boolean {
  if (at === null) return false;
  const provenance = context.plan.provenance[`${at}/text`] ?? context.plan.provenance[at];
  return provenance !== undefined && provenance !== "default";
}

/** Every place the built-in model generates from dataset rows. */
function sites(plan: Plan): Site[] {
  const out: Site[] = [];
  for (const [name, stage] of Object.entries(plan.stages)) {
    const owner = `stage \`${name}\``;
    if (stage.variant === "generate" && stage.prompts) {
      const model = builtinContext(plan, stage.model);
      if (model) out.push({ ...model, maxTokens: stage.max_tokens, at: pointer("stages", name, "max_tokens"), owner, source: stage.prompts, template: stage.template, templateAt: pointer("stages", name, "template") });
    } else if (stage.variant === "eval") {
      const model = builtinContext(plan, stage.model);
      if (!model) continue;
      const base = { ...model, maxTokens: stage.max_tokens, at: pointer("stages", name, "max_tokens"), owner };
      const own = stage.template === null ? null : pointer("stages", name, "template");
      if (stage.prompts) out.push({ ...base, source: stage.prompts, template: stage.template, templateAt: own });
      for (const { task } of stage.tasks ?? []) {
        const templateAt = own ?? pointer("tasks", task, "template");
        for (const source of plan.tasks[task]?.prompts ?? []) out.push({ ...base, source, template: stage.template ?? plan.tasks[task]!.template, templateAt });
      }
    } else if (stage.variant === "cgpo") {
      const model = builtinContext(plan, stage.policy);
      if (!model) continue;
      for (const { task } of stage.tasks) {
        const plannedTask = plan.tasks[task];
        if (!plannedTask) continue;
        const at = pointer("tasks", task, "optimizer", "max_tokens");
        for (const source of plannedTask.prompts) out.push({ ...model, maxTokens: plannedTask.optimizer.max_tokens, at, owner: `task \`${task}\``, source, template: plannedTask.template, templateAt: pointer("tasks", task, "template") });
      }
    }
  }
  return out;
}

/** The longest prompt among the dataset's first rows, when it does not fit; null otherwise. */
function longestPrompt(context: RuleContext, site: Site): { where: string; tokens: number } | null {
  if (!("dataset" in site.source)) return null;
  const dataset = context.plan.datasets[site.source.dataset];
  if (dataset?.type !== "jsonl") return null;
  const head = datasetHead(context, dataset.path);
  if (head.kind !== "ok") return null;
  const room = site.context - site.maxTokens;
  if (room < 0) return null; // max_tokens alone is over the context: AL6004
  let longest: { where: string; tokens: number } | null = null;
  for (const row of head.rows) {
    const fields = mappedFields(row.value, dataset.fields);
    const text = promptText(fields, site.template);
    if (text === undefined) continue; // a missing field is AL5004's or AL5005's
    const tokens = 1 + Buffer.byteLength(text, "utf8");
    if (tokens > room && tokens > (longest?.tokens ?? 0)) longest = { where: `${dataset.path}:${row.line}`, tokens };
  }
  return longest;
}

/** The row's logical fields, as the worker maps them (unmapped columns keep their names). */
function mappedFields(row: Readonly<Record<string, unknown>>, mapping: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  const columns = new Set(Object.values(mapping));
  for (const [key, value] of Object.entries(row)) if (!columns.has(key)) out[key] = textOf(value);
  for (const [logical, column] of Object.entries(mapping)) {
    const value = column == null ? undefined : columnValue(row, column);
    if (value !== undefined) out[logical] = textOf(value);
  }
  return out;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The prompt the worker builds: the template filled (or the prompt as is), after the row's system prompt. */
function promptText(fields: Readonly<Record<string, string>>, template: TemplatePlan | null): string | undefined {
  let text: string;
  try {
    text = template === null ? (fields["prompt"] ?? "") : renderTemplate(template.text, fields);
  } catch {
    return undefined;
  }
  const system = fields["system"];
  return system ? `${system}\n\n${text}` : text;
}
