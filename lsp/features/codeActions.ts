import { CodeActionKind } from "../protocol.js";
import type { CodeAction, Diagnostic as LspDiagnostic, TextEdit } from "vscode-languageserver";
import type { Declaration } from "../../grammar/ast.js";
import { TypeCode } from "../../compiler/diagnostics/compilerCodes.js";
import type { FieldType } from "../../compiler/schema/types.js";
import { owners, type Owner } from "../locate.js";
import { offsetAt, rangeOf } from "../ranges.js";
import { candidatesFor } from "../symbols.js";
import { rootDocument, rootModule, type Analysis } from "../workspace.js";
import type { FixData } from "./diagnostics.js";

/**
 * Quick fixes: every diagnostic's fix-it (the compiler's own edits, carried in the
 * diagnostic's data), and "add the missing required field" for AL3005 with a placeholder of
 * the field's type.
 */

export function codeActions(analysis: Analysis, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = (d.data as { fix?: FixData } | undefined)?.fix;
    if (fix) out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: fix.changes } });
    if (d.code === TypeCode.MissingField.code) out.push(...missingFieldActions(analysis, d));
  }
  return out;
}

function missingFieldActions(analysis: Analysis, d: LspDiagnostic): CodeAction[] {
  const at = offsetAt(analysis.lines, d.range.start);
  const owner = rootDocument(analysis)
    .items.filter((i): i is Declaration => i.kind === "Declaration")
    .flatMap((decl) => owners(decl))
    .find((o) => o.span.offset === at);
  if (!owner) return [];
  const written = new Set(owner.written.map((w) => w.name));
  const message = typeof d.message === "string" ? d.message : d.message.value;
  const missing = Object.entries(owner.fields).filter(([name, spec]) => spec.default === undefined && !written.has(name) && message.includes(`\`${name}\``));
  return missing.map(([name, spec]) => ({
    title: `add the missing required field \`${name}\``,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [analysis.uri]: [insertField(analysis, owner, `${name} = ${placeholder(analysis, spec.type)}`)] } },
  }));
}

/** Inserts `field` into the owner's block (on its own line when the block spans lines), or adds a block. */
function insertField(analysis: Analysis, owner: Owner, field: string): TextEdit {
  const text = analysis.text;
  const block = owner.block;
  if (!block) {
    const end = owner.span.offset + owner.span.length;
    return { range: rangeOf(analysis.lines, end, 0), newText: ` { ${field} }` };
  }
  const close = block.span.offset + block.span.length - 1;
  const lineStart = text.lastIndexOf("\n", close - 1) + 1;
  const closeIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (text.slice(lineStart, close).trim() === "") {
    return { range: rangeOf(analysis.lines, lineStart, 0), newText: `${closeIndent}  ${field}\n` };
  }
  const inner = text.slice(block.span.offset + 1, close);
  return { range: rangeOf(analysis.lines, close, 0), newText: inner.trim() === "" ? ` ${field} ` : `${/\s$/.test(inner) ? "" : " "}${field} ` };
}

function placeholder(analysis: Analysis, type: FieldType): string {
  switch (type.kind) {
    case "int":
    case "number":
      return String(type.min ?? 0);
    case "string":
    case "template":
      return '""';
    case "bool":
      return "false";
    case "duration":
      return "1m";
    case "size":
      return "1GiB";
    case "enum":
      return type.members[0]!;
    case "ref":
    case "data":
    case "model":
    {
      // A declaration of the kind itself before a stage's output (which may be downstream).
      const candidates = candidatesFor(analysis, rootModule(analysis), type);
      return (candidates.find((c) => c.symbol.kind.name !== "stage") ?? candidates[0])?.name ?? "NAME";
    }
    case "field":
      return 'field("prompt")';
    case "secret":
      return 'env("NAME")';
    case "list":
      return `[${type.item.kind === "ref" || type.item.kind === "data" || type.item.kind === "model" ? placeholder(analysis, type.item) : ""}]`;
    case "block":
    case "map":
    case "options":
      return "{ }";
    case "variants":
      return type.variants[0]!.name;
  }
}
