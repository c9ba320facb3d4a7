import type { Hover } from "vscode-languageserver";
import type { Identifier } from "../../grammar/ast.js";
import { fieldLines } from "../../compiler/schema/describe.js";
import type { DeclSymbol } from "../../compiler/resolve/symbols.js";
import type { FieldSpec, FieldType } from "../../compiler/schema/types.js";
import { callVariant, locate, type Located } from "../locate.js";
import { spanRange } from "../ranges.js";
import { nameOf, resolveReference } from "../symbols.js";
import { rootDocument, rootModule, type Analysis, type Workspace } from "../workspace.js";

/**
 * Hover: the schema doc of the kind, variant or field under the cursor (the text `align
 * schema` prints), and for a reference the declaration it names and where that is.
 */

export function hover(analysis: Analysis, workspace: Workspace, offset: number): Hover | null {
  const located = locate(rootDocument(analysis), offset);
  const id = located.identifier;
  if (!id) return null;
  const text = hoverText(analysis, workspace, located, id);
  return text ? { contents: { kind: "markdown", value: text }, range: spanRange(analysis.lines, id.span) } : null;
}

function hoverText(analysis: Analysis, workspace: Workspace, located: Located, id: Identifier): string | undefined {
  const decl = located.declaration;
  if (decl && id === decl.declaration.declKind && decl.kind) return [code(decl.kind.syntax), decl.kind.doc].join("\n\n");
  if (decl && decl.kind && decl.variant && (id === decl.declaration.variant || (decl.kind.naming === "target" && id === decl.declaration.name))) {
    return [code(`${decl.kind.name} = ${decl.variant.name}${decl.variant.produces ? ` (→ ${decl.variant.produces})` : ""}`), decl.variant.doc].join("\n\n");
  }
  if (decl && id === decl.declaration.name && decl.kind) {
    return [code(headerText(analysis.text, decl.declaration.declKind.span.offset, id)), decl.kind.doc].join("\n\n");
  }
  const field = located.field;
  if (field && id === field.name && field.spec) return fieldText(field.name.name, field.spec, provenance(workspace, field.value));
  const value = located.value?.node;
  if (value?.kind === "Reference" && value.path.includes(id)) return referenceText(analysis, workspace, located, value.path.map((p) => p.name).join("."));
  if (value?.kind === "Call" && value.callee.path.includes(id)) {
    const variant = callVariant(value, located.value?.type);
    if (variant) return [code(`${variant.name}(...)`), variant.doc, ...(Object.keys(variant.fields).length > 0 ? [code(fieldLines(variant.fields).join("\n"))] : [])].join("\n\n");
  }
  return undefined;
}

function code(text: string): string {
  return "```align\n" + text + "\n```";
}

/** The field's `align schema` lines, then where its value was written. */
export function fieldText(name: string, spec: FieldSpec, where: string | undefined): string {
  return [code(fieldLines({ [name]: spec }).map((l) => l.slice(2)).join("\n")), ...(where ? [where] : [])].join("\n\n");
}

function provenance(workspace: Workspace, value: { span: { file: string; line: number } } | undefined): string | undefined {
  return value ? `value written at ${workspace.displayPath(workspace.absolutePath(value.span.file))}:${value.span.line}` : undefined;
}

function referenceText(analysis: Analysis, workspace: Workspace, located: Located, written: string): string | undefined {
  const value = located.value!.node;
  if (value.kind !== "Reference") return undefined;
  const type = located.value?.type;
  if (type && enumLike(type)) return enumText(written, located.field?.name.name, located.field?.spec);
  const symbol = resolveReference(analysis, rootModule(analysis), value);
  if (!symbol) return undefined;
  return declarationText(workspace, symbol);
}

function enumLike(type: FieldType): boolean {
  return type.kind === "enum" || type.kind === "variants" || (type.kind === "list" && enumLike(type.item));
}

function enumText(member: string, fieldName: string | undefined, spec: FieldSpec | undefined): string | undefined {
  if (!spec || !fieldName) return undefined;
  const variant = spec.type.kind === "variants" ? spec.type.variants.find((v) => v.name === member) : undefined;
  return [code(`${fieldName} = ${member}`), ...(variant ? [variant.doc] : []), fieldText(fieldName, spec, undefined)].join("\n\n");
}

export function declarationText(workspace: Workspace, symbol: DeclSymbol): string {
  const id = nameOf(symbol);
  const file = workspace.absolutePath(symbol.module.file);
  const text = workspace.readFile(file) ?? "";
  const header = headerText(text, symbol.declaration.declKind.span.offset, id);
  return [code(header), symbol.kind.doc, `declared at ${symbol.module.file}:${id.span.line}`].join("\n\n");
}

/** `KIND NAME = VARIANT(...)` as written, up to the block or the end of the line. */
function headerText(text: string, start: number, name: Identifier): string {
  const end = text.slice(start).search(/\{|\n/);
  const raw = text.slice(start, end < 0 ? undefined : start + end).trim();
  return raw.length > 0 ? raw : name.name;
}
