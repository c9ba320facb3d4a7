/** Where a `launch TARGET { ... }` block is in the source, for fix-its that add a field to it. */
import type { Fix } from "../../../../grammar/diagnostic.js";
import type { RuleContext } from "../../rule.js";
import { declarations } from "./ast.js";

/** A fix that adds `field = value` as the first line of the target's block (none if it has no block). */
export function addLaunchField(context: RuleContext, target: string, field: string, value: string): Fix | undefined {
  const root = context.documents[0];
  if (!root) return undefined;
  const decl = declarations(root).find(
    (d) => d.declKind.name === "launch" && (d.variant?.name === target || d.name?.name === target),
  );
  const body = decl?.body;
  if (!body) return undefined;
  const at = { file: body.span.file, offset: body.span.offset + 1, length: 0, line: body.span.line, column: body.span.column + 1 };
  return { title: `add \`${field} = ${value}\``, edits: [{ span: at, newText: `\n  ${field} = ${value}` }] };
}
