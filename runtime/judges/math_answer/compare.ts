/**
 * Equivalence of two parsed answers. Integers compare exactly; other numbers within the
 * declared relative tolerance; expressions with variables by evaluating both at the same
 * pseudo-random points (fixed seed, so verdicts are deterministic); tuples and intervals
 * element-wise in order; sets and bare comma lists as multisets.
 */

import type { Evaluator } from "./cas.js";
import type { EquationValue, ListValue, MathValue, NumberValue, ParsedAnswer } from "./value.js";

/**
 * Floor on the tolerance for values the CAS computed in floating point (roots, π, functions):
 * `\sqrt{8}` and `2\sqrt{2}` differ in the last bits even with `tolerance = 0`.
 */
export const CAS_TOLERANCE = 1e-9;
/** Absolute slack for CAS values near zero (`\sin(\pi)` is 1.2e-16, not 0). */
const CAS_ABSOLUTE = 1e-12;

export function equivalent(answer: ParsedAnswer, reference: ParsedAnswer, tolerance: number): boolean {
  return answer.canonical === reference.canonical || sameValue(answer.value, reference.value, tolerance);
}

function sameValue(a: MathValue, b: MathValue, tolerance: number): boolean {
  if (a.kind === "list" || b.kind === "list") return a.kind === "list" && b.kind === "list" && sameList(a, b, tolerance);
  if (a.kind === "equation" || b.kind === "equation") {
    return a.kind === "equation" && b.kind === "equation" && sameEquation(a, b, tolerance);
  }
  if (a.kind === "text" || b.kind === "text") return a.kind === "text" && b.kind === "text" && a.text === b.text;
  if (a.kind === "number" && b.kind === "number") return sameNumber(a, b, tolerance);
  return sameFunction(a, b, Math.max(tolerance, CAS_TOLERANCE));
}

function sameList(a: ListValue, b: ListValue, tolerance: number): boolean {
  if (a.items.length !== b.items.length || a.ordered !== b.ordered) return false;
  if (a.ordered) {
    return a.open === b.open && a.close === b.close && a.items.every((item, i) => sameValue(item, b.items[i] as MathValue, tolerance));
  }
  // Multiset matching: each reference element is used once.
  const unused = [...b.items];
  for (const item of a.items) {
    const index = unused.findIndex((candidate) => sameValue(item, candidate, tolerance));
    if (index === -1) return false;
    unused.splice(index, 1);
  }
  return true;
}

function sameEquation(a: EquationValue, b: EquationValue, tolerance: number): boolean {
  return (
    (sameValue(a.left, b.left, tolerance) && sameValue(a.right, b.right, tolerance)) ||
    (sameValue(a.left, b.right, tolerance) && sameValue(a.right, b.left, tolerance))
  );
}

/**
 * Percentages: when exactly one side carries `%`, it matches either reading, `50%` = 50 (MATH
 * references often drop the sign) and `50%` = 0.5 (the fraction it denotes).
 */
function sameNumber(a: NumberValue, b: NumberValue, tolerance: number): boolean {
  if (a.percent === b.percent) return closeNumbers(a, b, tolerance);
  const [pct, other] = a.percent ? [a, b] : [b, a];
  const fraction: NumberValue = { ...pct, value: pct.value / 100, integer: null, percent: false };
  return closeNumbers(pct, other, tolerance) || closeNumbers(fraction, other, tolerance);
}

function closeNumbers(a: NumberValue, b: NumberValue, tolerance: number): boolean {
  if (a.integer !== null && b.integer !== null) return a.integer === b.integer;
  if (!Number.isFinite(a.value) || !Number.isFinite(b.value)) return false;
  const exact = a.exact && b.exact;
  // Exact integers never match a neighbour: 1000001 is not 1000000 whatever the tolerance.
  if (exact && Number.isInteger(a.value) && Number.isInteger(b.value)) return a.value === b.value;
  return exact ? withinRelative(a.value, b.value, tolerance) : withinCas(a.value, b.value, Math.max(tolerance, CAS_TOLERANCE));
}

export function withinRelative(x: number, y: number, tolerance: number): boolean {
  return x === y || Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y));
}

function withinCas(x: number, y: number, tolerance: number): boolean {
  return withinRelative(x, y, tolerance) || Math.abs(x - y) <= CAS_ABSOLUTE;
}

/** Points to agree on, attempts allowed (points outside either domain are skipped), minimum. */
const POINTS = 6;
const ATTEMPTS = 16;
const MIN_POINTS = 3;
const SEED = 0x5eed1234;

/**
 * Polynomial identity testing by evaluation: two different expressions agree at random real
 * points with probability zero. Points where either side is undefined (√ of a negative, a
 * pole) are skipped, so expressions equal on their common domain match.
 */
function sameFunction(a: MathValue, b: MathValue, tolerance: number): boolean {
  const f = evaluatorOf(a);
  const g = evaluatorOf(b);
  if (f === null || g === null) return false;
  const vars = [...new Set([...varsOf(a), ...varsOf(b)])];
  const random = mulberry32(SEED);
  let agreed = 0;
  for (let attempt = 0; attempt < ATTEMPTS && agreed < POINTS; attempt++) {
    const env: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const name of vars) env[name] = samplePoint(random);
    const x = f(env);
    const y = g(env);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (!withinCas(x, y, tolerance)) return false;
    agreed++;
  }
  return agreed >= MIN_POINTS;
}

function evaluatorOf(value: MathValue): Evaluator | null {
  if (value.kind === "number") return () => value.value;
  return value.kind === "expression" ? value.expression.evaluate : null;
}

function varsOf(value: MathValue): readonly string[] {
  return value.kind === "expression" ? value.expression.vars : [];
}

/** Values in ±[0.2, 3]: away from 0 (poles of 1/x) and small enough that x^20 stays finite. */
function samplePoint(random: () => number): number {
  const magnitude = 0.2 + 2.8 * random();
  return random() < 0.5 ? -magnitude : magnitude;
}

/** A tiny seeded PRNG (mulberry32): deterministic, fast, good enough for test points. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
