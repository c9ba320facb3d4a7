/**
 * Where a model generates from dataset rows, and the prompts it would see there: the sites the
 * prompt-length rules (PromptFitsContext for the built-in model, HfPromptFitsContext for Hugging
 * Face ones) measure on the first rows of each dataset, built as the worker builds them.
 */
import { columnValue } from "../../../data/jsonl.js";
import { renderTemplate } from "../../../data/template.js";
import type { DataPlan, Plan, TemplatePlan } from "../../../plan/types.js";
import type { RuleContext } from "../../rule.js";
import { datasetHead } from "./datasetHeads.js";
import { pointer } from "./pointer.js";

export interface PromptSite {
  /** The MODEL value that generates here (a declared model or a stage's model output). */
  readonly model: unknown;
  readonly maxTokens: number;
  /** Pointer of the max_tokens value. */
  readonly at: string;
  /** Pointer of the template; the diagnostic's place when the recipe wrote one. */
  readonly templateAt: string | null;
  readonly owner: string;
  readonly source: DataPlan;
  readonly template: TemplatePlan | null;
}

/** One sampled row's prompt: the user text (template filled) and the row's system prompt. */
export interface SampledPrompt {
  /** `path:line` of the row. */
  readonly where: string;
  readonly text: string;
  readonly system: string | undefined;
}

/** Every place a model generates from dataset rows: generate and eval stages, cgpo tasks. */
export function promptSites(plan: Plan): PromptSite[] {
  const out: PromptSite[] = [];
  for (const [name, stage] of Object.entries(plan.stages)) {
    const owner = `stage \`${name}\``;
    const at = pointer("stages", name, "max_tokens");
    if (stage.variant === "generate" && stage.prompts) {
      out.push({ model: stage.model, maxTokens: stage.max_tokens, at, owner, source: stage.prompts, template: stage.template, templateAt: pointer("stages", name, "template") });
    } else if (stage.variant === "eval") {
      const base = { model: stage.model, maxTokens: stage.max_tokens, at, owner };
      const own = stage.template === null ? null : pointer("stages", name, "template");
      if (stage.prompts) out.push({ ...base, source: stage.prompts, template: stage.template, templateAt: own });
      for (const { task } of stage.tasks ?? []) {
        const templateAt = own ?? pointer("tasks", task, "template");
        for (const source of plan.tasks[task]?.prompts ?? []) out.push({ ...base, source, template: stage.template ?? plan.tasks[task]!.template, templateAt });
      }
    } else if (stage.variant === "cgpo") {
      for (const { task } of stage.tasks) {
        const plannedTask = plan.tasks[task];
        if (!plannedTask) continue;
        const taskAt = pointer("tasks", task, "optimizer", "max_tokens");
        for (const source of plannedTask.prompts) {
          out.push({ model: stage.policy, maxTokens: plannedTask.optimizer.max_tokens, at: taskAt, owner: `task \`${task}\``, source, template: plannedTask.template, templateAt: pointer("tasks", task, "template") });
        }
      }
    }
  }
  return out;
}

/** The place a site's diagnostic points at: the template when the recipe wrote one, else max_tokens. */
export function siteSpanPointer(context: RuleContext, site: PromptSite): string {
  return written(context, site.templateAt) ? site.templateAt! : site.at;
}

/** Whether the recipe wrote the template (a defaulted one is recorded field by field). */
function written(context: RuleContext, at: string | null): boolean {
  if (at === null) return false;
  const provenance = context.plan.provenance[`${at}/text`] ?? context.plan.provenance[at];
  return provenance !== undefined && provenance !== "default";
}

/** Whether the site reads a jsonl dataset whose first rows could be read (without rendering them). */
export function hasSampledRows(context: RuleContext, site: PromptSite): boolean {
  if (!("dataset" in site.source)) return false;
  const dataset = context.plan.datasets[site.source.dataset];
  if (dataset?.type !== "jsonl") return false;
  const head = datasetHead(context, dataset.path);
  return head.kind === "ok" && head.rows.length > 0;
}

/**
 * The prompts of the dataset's first rows (a row that lacks a field is skipped: that is AL5004's
 * or AL5005's); empty when the site reads no jsonl dataset or the file cannot be read.
 */
export function sampledPrompts(context: RuleContext, site: PromptSite): SampledPrompt[] {
  if (!("dataset" in site.source)) return [];
  const dataset = context.plan.datasets[site.source.dataset];
  if (dataset?.type !== "jsonl") return [];
  const head = datasetHead(context, dataset.path);
  if (head.kind !== "ok") return [];
  const out: SampledPrompt[] = [];
  for (const row of head.rows) {
    const fields = mappedFields(row.value, dataset.fields);
    const text = userText(fields, site.template);
    if (text !== undefined) out.push({ where: `${dataset.path}:${row.line}`, text, system: fields["system"] || undefined });
  }
  return out;
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

/** The template filled (or the prompt as is), as the worker renders it. */
function userText(fields: Readonly<Record<string, string>>, template: TemplatePlan | null): string | undefined {
  try {
    return template === null ? (fields["prompt"] ?? "") : renderTemplate(template.text, fields);
  } catch {
    return undefined;
  }
}

/** The raw-text prompt (no chat template): the system prompt, a blank line, then the text. */
export function rawPrompt(prompt: SampledPrompt): string {
  return prompt.system ? `${prompt.system}\n\n${prompt.text}` : prompt.text;
}
