import type { Span } from "../../grammar/span.js";
import { AT_DECLARATION, get, pointerKey, walk, type LValue } from "../check/located.js";

/**
 * The plan's provenance (JSON Pointer → `file:line:col`, or `default`, for every scalar and
 * empty container of the declared sections, sorted by pointer) and the span of every value by
 * pointer. Both are built only when read: `align check` of a clean recipe needs neither.
 */

/** A section of the plan as located values: `["models", {...}]`. */
export type LocatedSection = readonly [string, LValue];

/** Sections that are one declaration each; the others map names to declarations. */
const SINGLE_DECLARATION = new Set(["recipe", "cluster"]);

/** The declaration objects of a section, each with its pointer. */
function declarationsOf([key, value]: LocatedSection): (readonly [string, LValue])[] {
  const pointer = `/${pointerKey(key)}`;
  if (SINGLE_DECLARATION.has(key) || value.t !== "object") return [[pointer, value]];
  const out: (readonly [string, LValue])[] = [];
  for (const name in value.entries) out.push([`${pointer}/${pointerKey(name)}`, value.entries[name]!]);
  return out;
}

/** A value's span; a default's is its declaration's header, the span of the declaration's object. */
function resolved(span: Span, declaration: LValue): Span {
  return span === AT_DECLARATION ? declaration.span : span;
}

export function spansOf(sections: readonly LocatedSection[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const section of sections) {
    const [key, value] = section;
    if (!SINGLE_DECLARATION.has(key)) spans.set(`/${pointerKey(key)}`, value.span);
    for (const [pointer, declaration] of declarationsOf(section)) {
      walk(declaration, pointer, (at, node) => spans.set(at, resolved(node.span, declaration)));
    }
  }
  return spans;
}

/** Follows a JSON Pointer (RFC 6901) through the located values to the span of its target. */
export function spanAt(sections: readonly LocatedSection[], pointer: string): Span | undefined {
  if (!pointer.startsWith("/")) return undefined;
  const [section, ...rest] = pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: LValue | undefined = sections.find(([key]) => key === section)?.[1];
  let declaration = SINGLE_DECLARATION.has(section!) ? node : undefined;
  for (const segment of rest) {
    if (!node) return undefined;
    if (node.t === "object") node = get(node, segment);
    else if (node.t === "list") node = /^(0|[1-9]\d*)$/.test(segment) ? node.items[Number(segment)] : undefined;
    else return undefined;
    declaration ??= node;
  }
  return node && declaration ? resolved(node.span, declaration) : node?.span;
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
