/** Walking the AST for the few rules that need source text the plan does not keep. */
import type { Declaration, Document, Reference, Value } from "../../../../grammar/ast.js";

const declarationsOf = new WeakMap<Document, Declaration[]>();

/** The document's declarations (listed once per document: several rules ask). */
export function declarations(document: Document): readonly Declaration[] {
  let found = declarationsOf.get(document);
  if (found === undefined) {
    found = document.items.filter((item): item is Declaration => item.kind === "Declaration");
    declarationsOf.set(document, found);
  }
  return found;
}

/**
 * The declarations whose source holds one of `offsets` (ascending), in document order: a
 * declaration's source runs from its start to the next item's (items are in source order).
 */
export function declarationsAt(document: Document, offsets: readonly number[]): Declaration[] {
  const items = document.items;
  const out: Declaration[] = [];
  let last = -1;
  for (const offset of offsets) {
    const at = lastItemStartingBy(items, offset);
    if (at <= last) continue;
    last = at;
    const item = items[at]!;
    if (item.kind === "Declaration") out.push(item);
  }
  return out;
}

/** Index of the last item that starts at or before `offset` (-1 when none does). */
function lastItemStartingBy(items: Document["items"], offset: number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.span.offset <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
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

/** References written as values (a call's callee, such as `hf` in `hf(...)`, is not one). */
export function referencesOf(declaration: Declaration): Reference[] {
  const out: Reference[] = [];
  walkDeclaration(declaration, (value) => {
    if (value.kind === "Reference") out.push(value);
  });
  return out;
}
