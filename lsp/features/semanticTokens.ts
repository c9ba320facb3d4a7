import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver";
import type { Declaration, Identifier, Value } from "../../grammar/ast.js";
import type { Module } from "../../compiler/resolve/load.js";
import { resolveReference } from "../symbols.js";
import { rootModule, type Analysis } from "../workspace.js";

/**
 * Semantic tokens from the tree and the symbol table: declaration kinds, names, variants,
 * fields, references that name declarations (and namespaces), enum members, calls, literals
 * and comments. Multi-line strings are left to the TextMate grammar (tokens are one line).
 */

const TYPES = ["keyword", "type", "enumMember", "property", "variable", "function", "string", "number", "comment", "namespace", "parameter"] as const;
const MODIFIERS = ["declaration", "defaultLibrary"] as const;
type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

interface Token {
  readonly offset: number;
  readonly length: number;
  readonly type: TokenType;
  readonly modifiers: number;
}

export function semanticTokens(analysis: Analysis): SemanticTokens {
  const module = rootModule(analysis);
  const tokens: Token[] = [];
  const push = (offset: number, length: number, type: TokenType, ...mods: Modifier[]) => {
    if (length > 0) tokens.push({ offset, length, type, modifiers: mods.reduce((m, x) => m | (1 << MODIFIERS.indexOf(x)), 0) });
  };
  const id = (i: Identifier, type: TokenType, ...mods: Modifier[]) => push(i.span.offset, i.span.length, type, ...mods);
  for (const comment of module.document.comments) push(comment.span.offset, comment.span.length, "comment");
  for (const item of module.document.items) {
    if (item.kind === "Import") {
      push(item.span.offset, "import".length, "keyword");
      value(item.path, analysis, module, id, push);
      if (item.alias) {
        const as = analysis.text.lastIndexOf("as", item.alias.span.offset);
        if (as > item.path.span.offset) push(as, 2, "keyword");
        id(item.alias, "namespace", "declaration");
      }
      continue;
    }
    declaration(item, analysis, module, id, push);
  }
  tokens.sort((a, b) => a.offset - b.offset);
  return { data: encode(analysis, tokens) };
}

type IdPush = (i: Identifier, type: TokenType, ...mods: Modifier[]) => void;
type Push = (offset: number, length: number, type: TokenType, ...mods: Modifier[]) => void;

function declaration(decl: Declaration, analysis: Analysis, module: Module, id: IdPush, push: Push): void {
  id(decl.declKind, "keyword");
  if (decl.name) id(decl.name, decl.declKind.name === "launch" ? "type" : "variable", "declaration");
  if (decl.variant) id(decl.variant, "type");
  for (const a of decl.args) {
    if (a.name) id(a.name, "parameter");
    value(a.value, analysis, module, id, push);
  }
  for (const f of decl.body?.fields ?? []) {
    id(f.name, "property");
    value(f.value, analysis, module, id, push);
  }
}

function value(v: Value, analysis: Analysis, module: Module, id: IdPush, push: Push): void {
  switch (v.kind) {
    case "String":
      if (!v.multiline && !v.raw.includes("\n")) push(v.span.offset, v.span.length, "string");
      return;
    case "Number":
    case "Duration":
    case "Size":
      push(v.span.offset, v.span.length, "number");
      return;
    case "Boolean":
      push(v.span.offset, v.span.length, "keyword");
      return;
    case "Reference": {
      const symbol = resolveReference(analysis, module, v);
      if (!symbol) {
        for (const p of v.path) id(p, "enumMember");
        return;
      }
      const own = symbol.declaration.name?.name;
      for (const p of v.path) id(p, p.name === own ? "variable" : v.path.indexOf(p) < v.path.length - 1 ? "namespace" : "property");
      return;
    }
    case "Call":
      for (const p of v.callee.path) id(p, "function", "defaultLibrary");
      for (const a of v.args) {
        if (a.name) id(a.name, "parameter");
        value(a.value, analysis, module, id, push);
      }
      for (const f of v.block?.fields ?? []) {
        id(f.name, "property");
        value(f.value, analysis, module, id, push);
      }
      return;
    case "List":
      for (const item of v.items) value(item, analysis, module, id, push);
      return;
    case "Block":
      for (const f of v.fields) {
        id(f.name, "property");
        value(f.value, analysis, module, id, push);
      }
      return;
    case "ErrorValue":
      return;
  }
}

/** LSP's relative encoding: Δline, Δstart (from the previous token on the same line), length, type, modifiers. */
function encode(analysis: Analysis, tokens: readonly Token[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastEnd = -1;
  for (const t of tokens) {
    if (t.offset < lastEnd) continue;
    const start = analysis.lines.position(t.offset);
    const l = start.line - 1;
    const c = start.column - 1;
    data.push(l - line, l === line ? c - character : c, t.length, TYPES.indexOf(t.type), t.modifiers);
    line = l;
    character = c;
    lastEnd = t.offset + t.length;
  }
  return data;
}
