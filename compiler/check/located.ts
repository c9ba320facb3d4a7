import type { Span } from "../../grammar/span.js";
import type { PlanValue } from "../schema/types.js";

/**
 * Plan values that remember where they came from. The checker builds these; the plan lowering
 * strips them into plain JSON and a provenance map. A defaulted value carries the span of its
 * declaration's header (so rules can still point somewhere) and `isDefault`.
 */

export type Scalar = string | number | boolean | null;

export interface LLeaf {
  readonly t: "leaf";
  readonly value: Scalar;
  readonly span: Span;
  readonly isDefault: boolean;
}

export interface LList {
  readonly t: "list";
  readonly items: readonly LValue[];
  readonly span: Span;
  readonly isDefault: boolean;
}

export interface LObject {
  readonly t: "object";
  /**
   * Own properties only (read them with `get`/`has`, write them with `put`). A plain object, not
   * a Map: there is one per plan object, and a Map costs several times the memory and time. The
   * key order is the output order (schema order, or sorted for maps) as JSON objects order keys.
   */
  readonly entries: Entries;
  readonly span: Span;
  readonly isDefault: boolean;
}

export type Entries = Record<string, LValue>;

export type LValue = LLeaf | LList | LObject;

export function leaf(value: Scalar, span: Span, isDefault = false): LLeaf {
  return { t: "leaf", value, span, isDefault };
}

export function list(items: readonly LValue[], span: Span, isDefault = false): LList {
  return { t: "list", items, span, isDefault };
}

export function object(entries: Iterable<readonly [string, LValue]>, span: Span, isDefault = false): LObject {
  const record: Entries = {};
  for (const [key, value] of entries) put(record, key, value);
  return objectOf(record, span, isDefault);
}

/** An object over `entries` itself (not a copy): for entries the caller built and lets go of. */
export function objectOf(entries: Entries, span: Span, isDefault = false): LObject {
  return { t: "object", entries, span, isDefault };
}

/** A map: entries sorted by key, so plans do not depend on the order fields were written. */
export function sortedObject(entries: Iterable<readonly [string, LValue]>, span: Span, isDefault = false): LObject {
  return object([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), span, isDefault);
}

/** Sets an own property, `__proto__` included (a key a recipe's map may hold). */
export function put(entries: Entries, key: string, value: LValue): void {
  if (key === "__proto__") Object.defineProperty(entries, key, { value, enumerable: true, writable: true, configurable: true });
  else entries[key] = value;
}

export function has(entries: Entries, key: string): boolean {
  return Object.hasOwn(entries, key);
}

/**
 * The span of a field's default: its declaration's header, which is the span of the
 * declaration's own object in the plan. Standing in for it lets one located default per field
 * spec serve every declaration (a 5 MB recipe has ~230,000 defaulted values; located values
 * are never edited in place); compiler/plan resolves it when it hands out spans.
 */
export const AT_DECLARATION: Span = Object.freeze({ file: "", offset: 0, length: 0, line: 0, column: 0 });

const defaults = new WeakMap<object, LValue>();

/** `spec.default` located at its declaration's header (one shared value per spec). */
export function defaultOf(spec: { readonly default?: PlanValue }): LValue {
  let value = defaults.get(spec);
  if (value === undefined) {
    value = fromPlan(spec.default ?? null, AT_DECLARATION);
    defaults.set(spec, value);
  }
  return value;
}

/** A constant (a default, or a value computed by the compiler) located at `span`. */
export function fromPlan(value: PlanValue, span: Span, isDefault = true): LValue {
  if (value === null || typeof value !== "object") return leaf(value, span, isDefault);
  if (Array.isArray(value)) return list(value.map((v: PlanValue) => fromPlan(v, span, isDefault)), span, isDefault);
  const entries: Entries = {};
  for (const key in value) put(entries, key, fromPlan((value as Record<string, PlanValue>)[key]!, span, isDefault));
  return objectOf(entries, span, isDefault);
}

export function get(value: LValue | undefined, key: string): LValue | undefined {
  return value?.t === "object" && Object.hasOwn(value.entries, key) ? value.entries[key] : undefined;
}

export function scalar(value: LValue | undefined): Scalar | undefined {
  return value?.t === "leaf" ? value.value : undefined;
}

/** Plain JSON. */
export function toJson(value: LValue): PlanValue {
  switch (value.t) {
    case "leaf":
      return value.value;
    case "list":
      return value.items.map(toJson);
    case "object":
      return toJsonInto({}, value.entries);
  }
}

/** Writes `entries` as JSON into `out` after what it holds (a lowered judge's `variant`, ...). */
export function toJsonInto(out: Record<string, PlanValue>, entries: Entries): Record<string, PlanValue> {
  for (const key in entries) out[key] = toJson(entries[key]!);
  return out;
}

/** Escapes a key for a JSON Pointer (RFC 6901). */
export function pointerKey(key: string): string {
  if (!key.includes("~") && !key.includes("/")) return key;
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Visits every node with its JSON Pointer. `isLeaf` is true for scalars and empty containers,
 * the values the provenance map records.
 */
export function walk(value: LValue, pointer: string, visit: (pointer: string, node: LValue, isLeaf: boolean) => void): void {
  switch (value.t) {
    case "leaf":
      visit(pointer, value, true);
      return;
    case "list":
      visit(pointer, value, value.items.length === 0);
      value.items.forEach((item, i) => walk(item, `${pointer}/${i}`, visit));
      return;
    case "object": {
      let empty = true;
      for (const _ in value.entries) {
        empty = false;
        break;
      }
      visit(pointer, value, empty);
      for (const k in value.entries) walk(value.entries[k]!, `${pointer}/${pointerKey(k)}`, visit);
      return;
    }
  }
}
