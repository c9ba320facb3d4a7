/** Walking the AST for the few rules that need source text the plan does not keep. */
import type { Declaration, Document, Reference, StringLiteral, Value } from "../../../../grammar/ast.js";

export function declarations(document: Document): Declaration[] {
  return document.items.filter((item): item is Declaration => item.kind === "Declaration");
}

/** A string literal with the name of the field or named argument it is the value of. */
export interface NamedString {
  readonly literal: StringLiteral;
  /** `api_key` in `api_key = "..."`; the enclosing name for list items; undefined if none. */
  readonly name: string | undefined;
}

/** Calls `visit` on every value under the declaration, with the nearest field/argument name. */
export function walkDeclaration(declaration: Declaration, visit: (value: Value, name: string | undefined) => void): void {
  for (const argument of declaration.args) walkValue(argument.value, argument.name?.name, visit);
  for (const field of declaration.body?.fields ?? []) walkValue(field.value, field.name.name, visit);
}

function walkValue(value: Value, name: string | undefined, visit: (value: Value, name: string | undefined) => void): void {
  visit(value, name);
  switch (value.kind) {
    case "List":
      for (const item of value.items) walkValue(item, name, visit);
      break;
    case "Block":
      for (const field of value.fields) walkValue(field.value, field.name.name, visit);
      break;
    case "Call":
      for (const argument of value.args) walkValue(argument.value, argument.name?.name ?? name, visit);
      for (const field of value.block?.fields ?? []) walkValue(field.value, field.name.name, visit);
      break;
    default:
      break;
  }
}

export function stringsOf(declaration: Declaration): NamedString[] {
  const out: NamedString[] = [];
  walkDeclaration(declaration, (value, name) => {
    if (value.kind === "String") out.push({ literal: value, name });
  });
  return out;
}

/** References written as values (a call's callee, such as `hf` in `hf(...)`, is not one). */
export function referencesOf(declaration: Declaration): Reference[] {
  const out: Reference[] = [];
  walkDeclaration(declaration, (value) => {
    if (value.kind === "Reference") out.push(value);
  });
  return out;
}
