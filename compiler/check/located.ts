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
  /** Insertion order is the output order (schema order, or sorted for maps). */
  readonly entries: ReadonlyMap<string, LValue>;
  readonly span: Span;
  readonly isDefault: boolean;
}

export type LValue = LLeaf | LList | LObject;

export function leaf(value: Scalar, span: Span, isDefault = false): LLeaf {
  return { t: "leaf", value, span, isDefault };
}

export function list(items: readonly LValue[], span: Span, isDefault = false): LList {
  return { t: "list", items, span, isDefault };
}

export function object(entries: Iterable<readonly [string, LValue]>, span: Span, isDefault = false): LObject {
  return { t: "object", entries: new Map(entries), span, isDefault };
}

/** An object over `entries` itself (not a copy): for a map the caller built and lets go of. */
export function objectOf(entries: Map<string, LValue>, span: Span, isDefault = false): LObject {
  return { t: "object", entries, span, isDefault };
}

/** A map: entries sorted by key, so plans do not depend on the order fields were written. */
export function sortedObject(entries: Iterable<readonly [string, LValue]>, span: Span, isDefault = false): LObject {
  return object([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), span, isDefault);
}

/** A constant (a default, or a value computed by the compiler) located at `span`. */
export function fromPlan(value: PlanValue, span: Span, isDefault = true): LValue {
  if (value === null || typeof value !== "object") return leaf(value, span, isDefault);
  if (Array.isArray(value)) return list(value.map((v: PlanValue) => fromPlan(v, span, isDefault)), span, isDefault);
  const entries = Object.entries(value as Record<string, PlanValue>).map(([k, v]) => [k, fromPlan(v, span, isDefault)] as const);
  return object(entries, span, isDefault);
}

export function get(value: LValue | undefined, key: string): LValue | undefined {
  return value?.t === "object" ? value.entries.get(key) : undefined;
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
    case "object": {
      const out: Record<string, PlanValue> = {};
      // forEach, not for-of: no [key, value] array per entry (this runs for every plan value).
      value.entries.forEach((v, k) => {
        out[k] = toJson(v);
      });
      return out;
    }
  }
}

/** Escapes a key for a JSON Pointer (RFC 6901). */
export function pointerKey(key: string): string {
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
    case "object":
      visit(pointer, value, value.entries.size === 0);
      for (const [k, v] of value.entries) walk(v, `${pointer}/${pointerKey(k)}`, visit);
      return;
  }
}
