import { SymbolKind } from "../protocol.js";
import type { DocumentSymbol } from "vscode-languageserver";
import type { Declaration, Field, Value } from "../../grammar/ast.js";
import { spanRange } from "../ranges.js";
import { rootDocument, type Analysis } from "../workspace.js";
import type { LineIndex } from "../../grammar/lineIndex.js";

/** The outline: declarations, with their fields (and nested blocks) as children. */

const KIND: Record<string, SymbolKind> = {
  recipe: SymbolKind.Module,
  model: SymbolKind.Class,
  reward: SymbolKind.Class,
  dataset: SymbolKind.File,
  judge: SymbolKind.Function,
  task: SymbolKind.Object,
  stage: SymbolKind.Event,
  cluster: SymbolKind.Namespace,
  launch: SymbolKind.Namespace,
};

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of rootDocument(analysis).items) {
    if (item.kind === "Declaration") out.push(declarationSymbol(analysis.lines, item));
  }
  return out;
}

function declarationSymbol(lines: LineIndex, decl: Declaration): DocumentSymbol {
  const name = decl.name?.name ?? decl.declKind.name;
  const detail = [decl.declKind.name, decl.variant?.name].filter(Boolean).join(" = ");
  return {
    name,
    detail,
    kind: KIND[decl.declKind.name] ?? SymbolKind.Variable,
    range: spanRange(lines, decl.span),
    selectionRange: spanRange(lines, (decl.name ?? decl.declKind).span),
    children: (decl.body?.fields ?? []).map((f) => fieldSymbol(lines, f)),
  };
}

function fieldSymbol(lines: LineIndex, field: Field): DocumentSymbol {
  const nested = nestedFields(field.value);
  return {
    name: field.name.name,
    kind: SymbolKind.Field,
    range: spanRange(lines, field.span),
    selectionRange: spanRange(lines, field.name.span),
    ...(nested.length > 0 ? { children: nested.map((f) => fieldSymbol(lines, f)) } : {}),
  };
}

function nestedFields(value: Value): readonly Field[] {
  if (value.kind === "Block") return value.fields;
  if (value.kind === "Call") return value.block?.fields ?? [];
  return [];
}
