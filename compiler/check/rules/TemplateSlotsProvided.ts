/**
 * Every `{slot}` of a template must be a field of the rows that fill it: a dataset's mapped
 * fields, a stage output's fields, or for an llm_judge also `prompt` and `response`. A judge
 * used on several prompt sources is checked against each.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { parseTemplate } from "../../data/template.js";
import type { Rule, RuleContext } from "../rule.js";
import { columnHint, listFields } from "./support/dataFields.js";
import { templateUses, type TemplateUse } from "./support/templates.js";

export const templateSlotsProvidedCode: CodeInfo = {
  code: "AL5004",
  severity: "error",
  title: "template slot not provided by the data",
  description:
    "A template names a `{slot}` that the rows filling it do not have. Generate and render " +
    "templates are filled from their input's fields (a dataset's mapped logical fields, or " +
    "an earlier stage's output: its input's fields plus `response`, `source` and `verdicts`); " +
    "llm_judge templates from `prompt`, `response` and the data fields of every prompt source " +
    "the judge runs on. Map the column in the dataset, or fix the slot name.",
  example:
    'model m { from = hf("org/m-7b") }\ndataset d = jsonl("d.jsonl")\n' +
    'stage g = generate { model = m  prompts = d  template = "{promt}" }\n',
};

interface Missing {
  readonly use: TemplateUse;
  readonly slot: string;
  readonly wheres: string[];
}

export const templateSlotsProvidedRule: Rule = {
  name: "TemplateSlotsProvided",
  codes: [templateSlotsProvidedCode.code],
  check(context) {
    const missing = new Map<string, Missing>();
    for (const use of templateUses(context)) {
      if (!use.data) continue;
      for (const slot of parseTemplate(use.template.text).slots) {
        if (use.data.fields.has(slot)) continue;
        const key = `${use.pointer}\u0000${slot}`;
        const entry = missing.get(key) ?? { use, slot, wheres: [] };
        entry.wheres.push(use.where ?? use.data.origin);
        missing.set(key, entry);
      }
    }
    return [...missing.values()].map((entry) => report(context, entry));
  },
};

function report(context: RuleContext, { use, slot, wheres }: Missing) {
  const fields = use.data!.fields;
  const suggestion = didYouMean(slot, fields);
  const file = use.template.file ? ` (${use.template.file})` : "";
  const related = use.wherePointer ? context.spanOf(use.wherePointer) : undefined;
  return context.diagnostic(
    templateSlotsProvidedCode.code,
    context.spanOf(use.pointer),
    `${use.owner}${file} uses slot \`{${slot}}\`, which ${wheres[0]} ${wheres[0]!.startsWith("the rows") ? "do" : "does"} not provide`,
    {
      notes: [
        ...(wheres.length > 1 ? [`also missing in: ${wheres.slice(1).join("; ")}`] : []),
        `available fields: ${listFields(fields)}`,
      ],
      help:
        columnHint(use.data!, slot, (logical) => `\`{${logical}}\``) ??
        suggestion ??
        `map a column to \`${slot}\` in the dataset, or use one of the available fields`,
      ...(related ? { related: [{ span: related, message: "the rows come from here" }] } : {}),
    },
  );
}
