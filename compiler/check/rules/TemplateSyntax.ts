/**
 * Templates use `{slot}` placeholders and `{{`/`}}` for literal braces; a lone brace is an
 * error rather than text, so a typo such as `{prompt` cannot reach the model unnoticed.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { parseTemplate } from "../../data/template.js";
import type { Rule } from "../rule.js";
import { templateUses } from "./support/templates.js";

export const templateSyntaxCode: CodeInfo = {
  code: "AL5007",
  severity: "error",
  title: "malformed template",
  description:
    "A prompt template has a brace that is not part of a `{slot}`: an unclosed `{`, a stray " +
    "`}`, or braces around something that is not a name (often JSON). Write `{{` and `}}` for " +
    "literal braces. A Jinja-style `{{ prompt }}` (TRL, chat templates) is such a literal: the " +
    "model would read `{ prompt }`, not the prompt; align's slot is `{prompt}`.",
  example: 'model m { from = hf("org/m-7b") }\ndataset d = jsonl("d.jsonl")\nstage g = generate { model = m  prompts = d  template = "{prompt" }\n',
};

/** `{{ name }}`, spaced as Jinja writes its slots: align reads it as the literal `{ name }` (`{{name}}` stays a deliberate literal). */
const JINJA_SLOT = /\{\{( +([A-Za-z_][A-Za-z0-9_]*) +)\}\}/;

export const templateSyntaxRule: Rule = {
  name: "TemplateSyntax",
  codes: [templateSyntaxCode.code],
  check(context) {
    const seen = new Set<string>();
    return templateUses(context).flatMap((use) => {
      // A judge template appears once per place the judge runs; check its text once.
      if (seen.has(use.pointer)) return [];
      seen.add(use.pointer);
      const errors = parseTemplate(use.template.text).errors;
      const first = errors[0];
      const file = use.template.file ? ` (${use.template.file})` : "";
      if (!first) {
        const jinja = JINJA_SLOT.exec(use.template.text);
        if (!jinja) return [];
        return [
          context.diagnostic(templateSyntaxCode.code, context.spanOf(use.pointer), `${use.owner}${file}: \`${jinja[0]}\` is the literal text \`{${jinja[1]}}\` in an align template (Jinja's syntax), not the field \`${jinja[2]}\``, {
            help: `write \`{${jinja[2]}}\` for the field; \`{{\` and \`}}\` are literal braces`,
          }),
        ];
      }
      return [
        context.diagnostic(templateSyntaxCode.code, context.spanOf(use.pointer), `${use.owner}${file}: ${first.message}`, {
          notes: [`at offset ${first.offset} of the template text${errors.length > 1 ? `; ${errors.length - 1} more brace error(s)` : ""}`],
          help: "write `{{` and `}}` for literal braces",
        }),
      ];
    });
  },
};
