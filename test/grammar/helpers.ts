import type { Declaration, Document, Field, Value } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";

/** Parses and insists on no diagnostics. */
export function parseClean(text: string): Document {
  const { document, diagnostics } = parse(text, "test.align");
  if (diagnostics.length > 0) {
    throw new Error(diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.column} ${d.message}`).join("\n"));
  }
  return document;
}

export function declarations(doc: Document): Declaration[] {
  return doc.items.filter((i): i is Declaration => i.kind === "Declaration");
}

/** The value of field `name` in the first declaration of `text`. */
export function fieldValue(text: string, name: string): Value {
  const decl = declarations(parseClean(text))[0]!;
  const field = decl.body?.fields.find((f: Field) => f.name.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field.value;
}

/** The AST without spans, for comparing meaning. Comments are dropped too. */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "span" || k === "comments") continue;
      out[k] = stripSpans(v);
    }
    return out;
  }
  return node;
}

/** `CODE line:col` of every diagnostic of `text`. */
export function codesAt(text: string): string[] {
  return parse(text, "t.align").diagnostics.map((d) => `${d.code} ${d.span!.line}:${d.span!.column}`);
}
