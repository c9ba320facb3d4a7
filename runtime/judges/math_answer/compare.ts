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

/** `a` is always the answer's side and `b` the reference's (the precision rule needs to know). */
function sameValue(a: MathValue, b: MathValue, tolerance: number): boolean {
  if (a.kind === "equation" || b.kind === "equation") return sameRelation(a, b, tolerance);
  if (a.kind === "list" || b.kind === "list") return sameCollection(a, b, tolerance);
  if (a.kind === "text" || b.kind === "text") return a.kind === "text" && b.kind === "text" && a.text === b.text;
  if (a.kind === "number" && b.kind === "number") return sameNumber(a, b, tolerance);
  return sameFunction(a, b, Math.max(tolerance, CAS_TOLERANCE));
}

/**
 * An equation against a plain value: its labelled value (`x = 5` is 5), or, for a computation
 * that holds (`2^{10} = 1024`), its right side. Two relations: side by side, as a rearrangement,
 * or by their labelled values.
 */
function sameRelation(a: MathValue, b: MathValue, tolerance: number): boolean {
  if (a.kind === "equation" && b.kind === "equation") return sameEquation(a, b, tolerance);
  const [equation, other] = a.kind === "equation" ? [a, b] : [b as EquationValue, a];
  const stands = claimedValue(equation, tolerance);
  if (stands === null) return false;
  return a.kind === "equation" ? sameValue(stands, other, tolerance) : sameValue(other, stands, tolerance);
}

function claimedValue(equation: EquationValue, tolerance: number): MathValue | null {
  if (equation.value !== null) return equation.value;
  if (equation.op !== "=" || equation.left.kind !== "number" || equation.right.kind !== "number") return null;
  return sameNumber(equation.left, equation.right, tolerance) ? equation.right : null;
}

function sameCollection(a: MathValue, b: MathValue, tolerance: number): boolean {
  if (a.kind === "list" && b.kind === "list") return sameList(a, b, tolerance);
  // `3,5` against the reference 3.5: a decimal comma.
  const [list, other] = a.kind === "list" ? [a, b] : [b as ListValue, a];
  if (list.decimalComma === undefined || other.kind !== "number" || other.integer !== null) return false;
  const decimal: NumberValue = { kind: "number", value: list.decimalComma, integer: null, exact: true, percent: false, places: null };
  return closeNumbers(decimal, other, tolerance);
}

function sameList(a: ListValue, b: ListValue, tolerance: number): boolean {
  if (a.ordered !== b.ordered) return false;
  if (a.ordered) {
    return (
      a.items.length === b.items.length &&
      a.open === b.open &&
      a.close === b.close &&
      a.items.every((item, i) => sameValue(item, b.items[i] as MathValue, tolerance))
    );
  }
  // Sets: order and repeats are free, but a union is not a set of points.
  if ((a.open === "∪") !== (b.open === "∪")) return false;
  const covers = (xs: ListValue, ys: ListValue, flip: boolean) =>
    xs.items.every((x) => ys.items.some((y) => (flip ? sameValue(y, x, tolerance) : sameValue(x, y, tolerance))));
  return covers(a, b, false) && covers(b, a, true);
}

function sameEquation(a: EquationValue, b: EquationValue, tolerance: number): boolean {
  if (a.op !== b.op) return false;
  const symmetric = a.op === "=" || a.op === "\\ne";
  if (sameValue(a.left, b.left, tolerance) && sameValue(a.right, b.right, tolerance)) return true;
  if (symmetric && sameValue(a.left, b.right, tolerance) && sameValue(a.right, b.left, tolerance)) return true;
  if (rearranged(a, b, symmetric ? "any" : "positive")) return true;
  // `x = 5` and `y = 5`: labels are presentation.
  return a.value !== null && b.value !== null && sameValue(a.value, b.value, tolerance);
}

/**
 * Percentages: when exactly one side carries `%`, it matches either reading, `50%` = 50 (MATH
 * references often drop the sign) and `50%` = 0.5 (the fraction it denotes).
 */
function sameNumber(a: NumberValue, b: NumberValue, tolerance: number): boolean {
  if (a.percent === b.percent) return closeNumbers(a, b, tolerance) || roundedReference(a, b);
  const [pct, other] = a.percent ? [a, b] : [b, a];
  const fraction: NumberValue = { ...pct, value: pct.value / 100, integer: null, percent: false };
  return closeNumbers(pct, other, tolerance) || closeNumbers(fraction, other, tolerance);
}

/**
 * A reference written to 2 or more decimal places (`3.33`, `0.67`) is read as rounded when the
 * answer is exact but not a decimal (`10/3`, `\frac{2}{3}`, `\pi`): the answer matches when it
 * rounds to the reference. A decimal or integer answer is never rounded (`3.3` ≠ `3.33`).
 */
function roundedReference(answer: NumberValue, reference: NumberValue): boolean {
  if (reference.places === null || reference.places < 2 || answer.places !== null || answer.integer !== null) return false;
  if (!Number.isFinite(answer.value)) return false;
  return Math.abs(answer.value - reference.value) <= 0.5 * 10 ** -reference.places * (1 + 1e-9);
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

/**
 * Two equations (or inequalities) that are rearrangements of each other: left − right of one
 * is a constant non-zero multiple of left − right of the other at every sampled point (a
 * positive one for inequalities, which flip under a negative factor). `y = 2x + 3` ≡
 * `2x − y + 3 = 0`; `x = 5` ≡ `2x = 10`; `x^2 = 25` ≢ `x = 5`.
 */
function rearranged(a: EquationValue, b: EquationValue, factor: "any" | "positive"): boolean {
  const f = differenceOf(a);
  const g = differenceOf(b);
  if (f === null || g === null) return false;
  const vars = [...new Set([...varsOf(a.left), ...varsOf(a.right), ...varsOf(b.left), ...varsOf(b.right)])];
  if (vars.length === 0) return false;
  const random = mulberry32(SEED);
  let ratio: number | null = null;
  let agreed = 0;
  for (let attempt = 0; attempt < ATTEMPTS && agreed < POINTS; attempt++) {
    const env: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const name of vars) env[name] = samplePoint(random);
    const x = f(env);
    const y = g(env);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (Math.abs(y) < 1e-9 || Math.abs(x) < 1e-9) {
      if (Math.abs(x) < 1e-9 && Math.abs(y) < 1e-9) continue;
      return false;
    }
    const r = x / y;
    if (ratio === null) ratio = r;
    else if (!withinCas(r, ratio, CAS_TOLERANCE)) return false;
    agreed++;
  }
  return agreed >= MIN_POINTS && ratio !== null && (factor === "any" || ratio > 0);
}

function differenceOf(equation: EquationValue): Evaluator | null {
  const left = evaluatorOf(equation.left);
  const right = evaluatorOf(equation.right);
  return left === null || right === null ? null : (env) => left(env) - right(env);
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
