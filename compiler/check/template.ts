import * as path from "node:path";
import type { Value } from "../../grammar/ast.js";
import { parseTemplate } from "../data/template.js";
import { TypeCode } from "../diagnostics/compilerCodes.js";
import { rebasePath, singleStringArg, wrongType } from "./convert.js";
import { leaf, list, objectOf, type LValue } from "./located.js";
import { report, type CheckScope } from "./scope.js";

/**
 * A template is an inline string or `file("p")`; the plan carries its text (so the bundle is
 * self-contained), the file it came from, and its `{slot}` names. Slot syntax and validity are
 * compiler/data/template.ts's (the data rules report malformed templates).
 */
export function convertTemplate(value: Value, scope: CheckScope, label: string, slotted: boolean): LValue | undefined {
  if (value.kind === "String") return templateValue(value.value, null, value, slotted);
  const file = singleStringArg(value, "file");
  if (file === undefined) return wrongType(scope, value, label, 'a template: a string or `file("path")`');
  const absolute = path.resolve(path.dirname(scope.module.absolutePath), file);
  const text = scope.host.readFile(absolute);
  if (text === undefined) {
    const why = scope.host.whyUnreadable?.(absolute);
    return report(scope, TypeCode.UnreadableFile.code, value.span, `cannot read template file \`${file}\`${why === undefined || why === "no such file" ? "" : `: ${why}`}`, {
      notes: [`looked for ${path.relative(process.cwd(), absolute) || absolute}`],
    });
  }
  return templateValue(text, rebasePath(file, scope), value, slotted);
}

function templateValue(text: string, file: string | null, value: Value, slotted: boolean): LValue {
  const slots = slotted ? parseTemplate(text).slots.map((s) => leaf(s, value.span)) : [];
  return objectOf({ text: leaf(text, value.span), file: leaf(file, value.span), slots: list(slots, value.span) }, value.span);
}
