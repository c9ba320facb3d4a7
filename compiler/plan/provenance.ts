import type { Span } from "../../grammar/span.js";
import { pointerKey, walk, type LValue } from "../check/located.js";

/**
 * The plan's provenance (JSON Pointer → `file:line:col`, or `default`, for every scalar and
 * empty container of the declared sections, sorted by pointer) and the span of every value by
 * pointer. Both are built only when read: `align check` of a clean recipe needs neither.
 */

/** A section of the plan as located values: `["models", {...}]`. */
export type LocatedSection = readonly [string, LValue];

export function spansOf(sections: readonly LocatedSection[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const [key, value] of sections) walk(value, `/${pointerKey(key)}`, (pointer, node) => spans.set(pointer, node.span));
  return spans;
}

/**
 * Provenance in pointer order, written in that order as it is walked: no list of every
 * pointer to sort (a 5 MB recipe has ~450,000), so siblings are visited in the order of
 * their pointers (see `siblingOrder`).
 */
export function provenanceOf(sections: readonly LocatedSection[], relativeFile: (displayFile: string) => string): Record<string, string> {
  const files = new Map<string, string>();
  const where = (span: Span): string => {
    let file = files.get(span.file);
    if (file === undefined) files.set(span.file, (file = relativeFile(span.file)));
    return `${file}:${span.line}:${span.column}`;
  };
  const out: Record<string, string> = {};
  const visit = (node: LValue, pointer: string): void => {
    const children = childrenOf(node);
    if (children.length === 0) {
      out[pointer] = node.isDefault ? "default" : where(node.span);
      return;
    }
    for (const [key, child] of siblingOrder(children)) visit(child, `${pointer}/${key}`);
  };
  for (const [key, child] of siblingOrder(sections.map(([k, v]) => [pointerKey(k), v] as const))) visit(child, `/${key}`);
  return out;
}

/** A node's children as (escaped key, value); none for scalars and empty containers. */
function childrenOf(node: LValue): (readonly [string, LValue])[] {
  if (node.t === "leaf") return [];
  if (node.t === "list") return node.items.map((item, i) => [String(i), item] as const);
  const out: (readonly [string, LValue])[] = [];
  for (const key in node.entries) out.push([pointerKey(key), node.entries[key]!]);
  return out;
}

/**
 * Siblings in the order their pointers sort. A scalar's pointer is `P/key`; a non-empty
 * container's pointers all start `P/key/`. Comparing `key` for the one and `key/` for the other
 * orders every pointer under one sibling against every pointer under another exactly as
 * comparing the pointers themselves would (escaped keys hold no `/`).
 */
function siblingOrder(children: (readonly [string, LValue])[]): (readonly [string, LValue])[] {
  const sortKey = ([key, value]: readonly [string, LValue]) => (isNonEmpty(value) ? `${key}/` : key);
  const keyed = children.map((child) => [sortKey(child), child] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return keyed.map(([, child]) => child);
}

function isNonEmpty(node: LValue): boolean {
  if (node.t === "leaf") return false;
  if (node.t === "list") return node.items.length > 0;
  for (const _ in node.entries) return true;
  return false;
}
