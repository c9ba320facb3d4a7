import { readdirSync } from "node:fs";
import * as path from "node:path";
import { CompletionItemKind } from "../protocol.js";
import type { CompletionItem, CompletionList, MarkupContent } from "vscode-languageserver";
import type { Declaration } from "../../grammar/ast.js";
import { logicalFields } from "../../compiler/schema/kinds/dataset.js";
import { defaultText, typeText } from "../../compiler/schema/describe.js";
import { kinds, kindSpec } from "../../compiler/schema/registry.js";
import type { FieldMap, FieldType, KindSpec } from "../../compiler/schema/types.js";
import { locate, type Located } from "../locate.js";
import { candidatesFor } from "../symbols.js";
import { rootModule, rootDocument, type Analysis } from "../workspace.js";

/**
 * Completion from the schema and the symbol table: declaration kinds and variants, the fields
 * valid where the cursor is (with type, default and doc), enum members, references of the
 * right kind, `field("...")` names and template slots, and file paths in strings.
 */

export function complete(analysis: Analysis, offset: number): CompletionList {
  return { isIncomplete: false, items: completionItems(analysis, offset) };
}

function completionItems(analysis: Analysis, offset: number): CompletionItem[] {
  const text = analysis.text;
  const located = locate(rootDocument(analysis), offset);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const linePrefix = text.slice(lineStart, offset);
  const inString = stringPrefix(located, offset, text);
  if (inString !== undefined) return stringItems(analysis, located, inString);
  const word = /[A-Za-z_][\w]*$/.exec(linePrefix)?.[0] ?? "";
  const before = text.slice(0, offset - word.length);
  const previous = /(\S)\s*$/.exec(before)?.[1];
  const header = headerContext(located.declaration?.declaration, offset, linePrefix);
  if (header) return header;
  if (!located.scope) return located.declaration ? [] : topLevelItems();
  if (previous === "=" || previous === "[" || previous === "(" || (previous === "," && inListOrArgs(located, offset))) {
    const type = valueType(located, before);
    return type ? valueItems(analysis, type, located.declaration?.declaration) : [];
  }
  if (previous === "." ) return [];
  return fieldItems(located.scope.fields, new Set(located.scope.written.map((w) => w.name)));
}

/** Kinds at the start of a top-level line; variants after `KIND NAME =`; launch targets after `launch`. */
function headerContext(declaration: Declaration | undefined, offset: number, linePrefix: string): CompletionItem[] | undefined {
  if (declaration?.body && offset > declaration.body.span.offset) return undefined;
  const variantAt = /^\s*([A-Za-z_]\w*)\s+[A-Za-z_]\w*\s*=\s*[A-Za-z_]*$/.exec(linePrefix);
  if (variantAt) return variantItems(kindSpec(variantAt[1]!));
  if (/^\s*launch\s+[A-Za-z_]*$/.test(linePrefix)) return variantItems(kindSpec("launch"));
  if (/^[A-Za-z_]*$/.test(linePrefix)) return topLevelItems();
  return undefined;
}

function inListOrArgs(located: Located, offset: number): boolean {
  const v = located.value?.node;
  return (v?.kind === "List" || v?.kind === "Call") && offset > v.span.offset;
}

/** The type a value at the cursor must have: from the tree, else from `NAME =` before the cursor. */
function valueType(located: Located, before: string): FieldType | undefined {
  const node = located.value?.node;
  if (node && located.value?.type && node.kind !== "Block") {
    const type = located.value.type;
    return node.kind === "List" && type.kind === "list" ? type.item : type;
  }
  const name = /([A-Za-z_]\w*)\s*=\s*\[?\s*$/.exec(before)?.[1];
  if (name && located.scope) return located.scope.mapValue ?? located.scope.fields[name]?.type;
  return located.field?.spec?.type;
}

function markdown(value: string): MarkupContent {
  return { kind: "markdown", value };
}

function topLevelItems(): CompletionItem[] {
  const items: CompletionItem[] = kinds.map((k) => ({
    label: k.name,
    kind: CompletionItemKind.Keyword,
    detail: k.syntax,
    documentation: markdown(k.doc),
  }));
  items.push({ label: "import", kind: CompletionItemKind.Keyword, detail: 'import "file.align" (as NAME)', documentation: markdown("Merges another file's declarations into this one, or puts them under `NAME.` with `as NAME`.") });
  return items;
}

function variantItems(kind: KindSpec | undefined): CompletionItem[] {
  return (kind?.variants ?? []).map((v) => ({
    label: v.name,
    kind: CompletionItemKind.EnumMember,
    detail: `${kind!.name} = ${v.name}${v.produces ? ` (→ ${v.produces})` : ""}`,
    documentation: markdown(v.doc),
  }));
}

function fieldItems(fields: FieldMap, written: ReadonlySet<string>): CompletionItem[] {
  return Object.entries(fields)
    .filter(([name]) => !written.has(name))
    .map(([name, spec]) => {
      const required = spec.default === undefined;
      return {
        label: name,
        kind: CompletionItemKind.Field,
        detail: `${typeText(spec.type)}  [${defaultText(spec)}]`,
        documentation: markdown(spec.doc),
        sortText: `${required ? "0" : "1"}${name}`,
        insertText: spec.type.kind === "block" || spec.type.kind === "map" || spec.type.kind === "options" ? `${name} ` : `${name} = `,
      };
    });
}

/** Values of `type`; never the declaration being written (a stage cannot read its own output). */
function valueItems(analysis: Analysis, type: FieldType, current: Declaration | undefined): CompletionItem[] {
  switch (type.kind) {
    case "enum":
      return type.members.map((m) => ({ label: m, kind: CompletionItemKind.EnumMember }));
    case "bool":
      return ["true", "false"].map((b) => ({ label: b, kind: CompletionItemKind.Value }));
    case "ref":
    case "data":
    case "model": {
      const refs: CompletionItem[] = candidatesFor(analysis, rootModule(analysis), type).filter((c) => c.symbol.declaration !== current).map((c) => ({
        label: c.name,
        kind: CompletionItemKind.Reference,
        detail: [c.symbol.kind.name, c.symbol.declaration.variant?.name].filter(Boolean).join(" "),
      }));
      if (type.kind === "data") refs.push({ label: "render", kind: CompletionItemKind.Function, detail: "render(from, template = ..., target = ...)", insertText: "render(" });
      return refs;
    }
    case "variants":
      return type.variants.map((v) => ({
        label: v.name,
        kind: CompletionItemKind.EnumMember,
        detail: Object.keys(v.fields).length === 0 ? v.name : `${v.name}(...)`,
        documentation: markdown(v.doc),
      }));
    case "list":
      return valueItems(analysis, type.item, current);
    case "field":
      return [{ label: 'field("…")', kind: CompletionItemKind.Function, insertText: 'field("', detail: "a logical field of the data" }];
    case "template":
      return [{ label: 'file("…")', kind: CompletionItemKind.Function, insertText: 'file("', detail: "a template file, relative to this recipe" }];
    case "secret":
      return [{ label: 'env("…")', kind: CompletionItemKind.Function, insertText: 'env("', detail: "read from the environment at run time" }];
    default:
      return [];
  }
}

/** The string's text before the cursor when the cursor is inside a string literal. */
function stringPrefix(located: Located, offset: number, text: string): string | undefined {
  const node = located.import && offsetInside(located.import.path.span, offset) ? located.import.path : located.value?.node;
  if (!node || node.kind !== "String" || node.multiline) {
    // An unterminated string is not in the tree: read the line instead.
    const line = text.slice(text.lastIndexOf("\n", offset - 1) + 1, offset);
    const open = /"([^"\\]*)$/.exec(line);
    return open && (line.match(/"/g)?.length ?? 0) % 2 === 1 ? open[1] : undefined;
  }
  if (!offsetInside(node.span, offset)) return undefined;
  return text.slice(node.span.offset + 1, offset);
}

function offsetInside(span: { offset: number; length: number }, offset: number): boolean {
  return offset > span.offset && offset < span.offset + span.length;
}

function stringItems(analysis: Analysis, located: Located, prefix: string): CompletionItem[] {
  const callee = located.call?.callee.path.map((p) => p.name).join(".");
  const slot = /\{([A-Za-z_]\w*)?$/.exec(prefix);
  if (located.import) return pathItems(analysis, prefix, [".align"]);
  if (callee === "field") return fieldNameItems(analysis);
  if (callee === "file" || callee === "jsonl" || (located.field?.spec?.type.kind === "string" && located.field.spec.type.path)) {
    return pathItems(analysis, prefix, callee === "jsonl" || located.declaration?.kind?.name === "dataset" ? [".jsonl", ".json"] : undefined);
  }
  if (slot && located.field?.spec?.type.kind === "template") return fieldNameItems(analysis);
  return [];
}

/** Logical field names: the known ones and every `fields { ... }` key of the datasets. */
function fieldNameItems(analysis: Analysis): CompletionItem[] {
  const names = new Map<string, string>(Object.entries(logicalFields));
  for (const symbol of analysis.table.named.values()) {
    if (symbol.kind.name !== "dataset") continue;
    const custom = symbol.declaration.body?.fields.find((f) => f.name.name === "fields");
    if (custom?.value.kind === "Block") for (const f of custom.value.fields) if (!names.has(f.name.name)) names.set(f.name.name, `A custom field of dataset \`${symbol.qualifiedName}\`.`);
  }
  return [...names].map(([name, doc]) => ({ label: name, kind: CompletionItemKind.Field, documentation: markdown(doc) }));
}

function pathItems(analysis: Analysis, prefix: string, extensions: readonly string[] | undefined): CompletionItem[] {
  const dirPart = prefix.slice(0, prefix.lastIndexOf("/") + 1);
  const dir = path.resolve(path.dirname(analysis.absolutePath), dirPart);
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || !extensions || extensions.some((x) => e.name.endsWith(x))))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((e) => ({
      label: e.isDirectory() ? `${e.name}/` : e.name,
      kind: e.isDirectory() ? CompletionItemKind.Folder : CompletionItemKind.File,
      insertText: e.isDirectory() ? `${e.name}/` : e.name,
    }));
}
