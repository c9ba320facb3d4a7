/**
 * The VS Code TextMate grammar, run by the engine VS Code uses (vscode-textmate with
 * vscode-oniguruma), on every recipe in recipes/: what it colours as comments, strings,
 * numbers, booleans, declaration kinds and field names agrees with the compiler's own parse.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";
import { parse } from "../../grammar/index.js";
import type { Declaration, Value } from "../../grammar/ast.js";
import { walkDeclaration } from "../../compiler/check/rules/support/ast.js";
import { repoRoot } from "../../bench/lib/lspClient.js";

const { Registry, INITIAL } = textmate;
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(path.join(repoRoot, "node_modules/vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope: string) => {
      if (scope !== "source.align") return null;
      const file = path.join(repoRoot, "editors/vscode/syntaxes/align.tmLanguage.json");
      return textmate.parseRawGrammar(readFileSync(file, "utf8"), file);
    },
  });
  grammar = (await registry.loadGrammar("source.align"))!;
});

/** The innermost scopes of every character, line by line. */
function scopesOf(text: string): string[][][] {
  let stack = INITIAL;
  return text.split("\n").map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    const chars: string[][] = [];
    for (const token of result.tokens) for (let c = token.startIndex; c < Math.min(token.endIndex, line.length); c++) chars[c] = token.scopes;
    return chars;
  });
}

interface Expectation {
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly scope: string;
  readonly what: string;
}

/** What the compiler's parse says each span is, as the TextMate scope it should get. */
function expectations(text: string, file: string): Expectation[] {
  const { document } = parse(text, file);
  const out: Expectation[] = [];
  const add = (span: { offset: number; line: number; column: number; length: number }, scope: string, what: string) => {
    // TextMate scopes line by line: a span running over a line end is checked by its own rule (triple strings).
    if (text.slice(span.offset, span.offset + span.length).includes("\n")) return;
    out.push({ line: span.line - 1, column: span.column - 1, length: span.length, scope, what });
  };
  for (const c of document.comments) add(c.span, "comment.line.number-sign.align", "comment");
  for (const item of document.items) {
    if (item.kind === "Import") {
      add({ ...item.span, length: "import".length }, "keyword.control.import.align", "import keyword");
      add(item.path.span, "string.quoted.double.align", "import path");
      if (item.alias) add(item.alias.span, "entity.name.namespace.align", "import alias");
      continue;
    }
    const decl: Declaration = item;
    add(decl.declKind.span, "storage.type.declaration.align", "declaration kind");
    if (decl.name) add(decl.name.span, "entity.name.type.align", "declaration name");
    if (decl.variant) add(decl.variant.span, "support.type.variant.align", "variant");
    for (const f of decl.body?.fields ?? []) add(f.name.span, "variable.other.property.align", "field name");
    walkDeclaration(decl, (value: Value) => {
      if (value.kind === "String" && !value.multiline) add(value.span, "string.quoted.double.align", "string");
      if (value.kind === "String" && value.multiline) add({ ...value.span, length: 3 }, "string.quoted.triple.align", "triple-quoted string");
      if (value.kind === "Number" || value.kind === "Duration" || value.kind === "Size") add(value.span, "constant.numeric.align", "number");
      if (value.kind === "Boolean") add(value.span, "constant.language.boolean.align", "boolean");
      if (value.kind === "Reference") for (const part of value.path) add(part.span, "variable.other.align", "reference");
      if (value.kind === "Call" && value.hasParens) add(value.callee.span, "support.function.align", "call");
      if (value.kind === "Block") for (const f of value.fields) add(f.name.span, "variable.other.property.align", "field name");
      if (value.kind === "Call") for (const f of value.block?.fields ?? []) add(f.name.span, "variable.other.property.align", "field name");
    });
  }
  return out;
}

const recipes = readdirSync(path.join(repoRoot, "recipes")).filter((f) => f.endsWith(".align"));

describe("TextMate grammar on every recipe", () => {
  it("covers the recipes", () => {
    expect(recipes.length).toBeGreaterThanOrEqual(4);
  });

  it.each(recipes)("%s", (name) => {
    const text = readFileSync(path.join(repoRoot, "recipes", name), "utf8");
    const scopes = scopesOf(text);
    const wrong: string[] = [];
    const checks = expectations(text, name);
    for (const e of checks) {
      for (let c = e.column; c < e.column + e.length; c++) {
        const at = scopes[e.line]?.[c] ?? [];
        if (!at.includes(e.scope)) {
          wrong.push(`${name}:${e.line + 1}:${c + 1} ${e.what} has [${at.join(" ")}], expected ${e.scope}`);
          break;
        }
      }
    }
    expect(checks.length).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it("scopes template slots and escapes inside strings", () => {
    const scopes = scopesOf('judge j = llm_judge { prompt = "Q: {prompt}\\n{{literal}}" }');
    const line = scopes[0]!;
    const text = 'judge j = llm_judge { prompt = "Q: {prompt}\\n{{literal}}" }';
    expect(line[text.indexOf("{prompt}")]).toContain("variable.other.slot.align");
    expect(line[text.indexOf("\\n")]).toContain("constant.character.escape.align");
    expect(line[text.indexOf("{{")]).toContain("variable.other.slot.align");
    expect(line[text.indexOf("Q:")]).toContain("string.quoted.double.align");
  });
});
