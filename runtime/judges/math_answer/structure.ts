/**
 * Answers made of several values: unions, matrices, tuples and intervals, sets, bare comma
 * lists, and the two values of a `\pm`. Sets, unions and bare lists compare as sets (order and
 * repeats are free); tuples, intervals and matrices in order.
 */

import type { EquationValue, ListValue, MathValue, Parse } from "./value.js";
import { splitTopLevel } from "./value.js";

/** Lists longer than this are compared as text (element matching is quadratic). */
const MAX_LIST_ITEMS = 64;

const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$/;
/** `3,5`: a pair, or 3.5 written with a decimal comma (the comparison decides by the reference). */
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
/** `\left[\begin{array}{cc}…\end{array}\right]` arrives here with its brackets (`\left` is gone). */
const MATRIX = /^[[(]?\s*\\begin\{([pbBvV]?matrix|smallmatrix|array)\}(?:\{[lcr|\s]*\})?([\s\S]*)\\end\{\1\}\s*[\])]?$/;

/** A cheap test before the splits: a list needs a comma, a union, a matrix or a set brace. */
const MAY_LIST = /[,]|\\cup|\\begin|^\\\{/;

export function list(s: string, parse: Parse, level: number): ListValue | null {
  if (!MAY_LIST.test(s)) return null;
  const items = (parts: readonly string[]) => flatten(parts.map((part) => parse(part, level + 1)));
  const union = splitTopLevel(s, "\\cup");
  if (union.length > 1) return { kind: "list", open: "∪", close: "", ordered: false, items: items(union) };
  const matrix = MATRIX.exec(s);
  if (matrix) return matrixValue(matrix[1] ?? "", matrix[2] ?? "", parse, level);
  const bracketed = enclosed(s);
  if (bracketed) {
    const parts = splitTopLevel(bracketed.inner, ",");
    const isSet = bracketed.open === "\\{";
    if (parts.length > MAX_LIST_ITEMS || (parts.length < 2 && !isSet)) return null;
    return { kind: "list", open: bracketed.open, close: bracketed.close, ordered: !isSet, items: items(parts) };
  }
  // "1, 2, and 3" leaves an empty item between two commas.
  const parts = splitTopLevel(s, ",").filter((part) => part.trim() !== "");
  if (parts.length < 2 || parts.length > MAX_LIST_ITEMS || THOUSANDS.test(s) || THOUSANDS.test(unlabelled(s))) return null;
  const values = items(parts);
  const labelled = labelledTuple(values);
  if (labelled !== null) return labelled;
  const bare: ListValue = { kind: "list", open: "", close: "", ordered: false, items: values };
  if (DECIMAL_COMMA.test(s)) return { ...bare, decimalComma: Number(s.replace(",", ".")) };
  // "x < -1 or x > 2": a list of intervals is their union.
  if (values.every((v) => v.kind === "list" && v.interval === true)) return { ...bare, open: "∪" };
  return bare;
}

/** `x = 1,000`: the value after a label, to see thousands separators. */
function unlabelled(s: string): string {
  const m = /^[a-zA-Z]\s*=\s*(.*)$/.exec(s);
  return m?.[1] ?? s;
}

/** The two values of `\pm` (and `\mp`, with the opposite sign) as an unordered pair. */
export function plusMinus(s: string, parse: Parse, level: number): ListValue | null {
  if (!/\\(?:pm|mp)(?![a-zA-Z])/.test(s)) return null;
  const plus = s.replace(/\\pm(?![a-zA-Z])/g, "+").replace(/\\mp(?![a-zA-Z])/g, "-");
  const minus = s.replace(/\\pm(?![a-zA-Z])/g, "-").replace(/\\mp(?![a-zA-Z])/g, "+");
  return { kind: "list", open: "±", close: "", ordered: false, items: [parse(plus, level + 1), parse(minus, level + 1)] };
}

/** A `±` pair inside a list contributes its two values to the list. */
function flatten(values: readonly MathValue[]): MathValue[] {
  return values.flatMap((v) => (v.kind === "list" && v.open === "±" ? v.items : [v]));
}

/** `p = 3, q = 2` is the tuple (3, 2); `x = 1, x = 2` stays a list of solutions. */
function labelledTuple(values: readonly MathValue[]): ListValue | null {
  const equations = values.filter((v): v is EquationValue => v.kind === "equation" && v.label !== null && v.value !== null);
  if (equations.length !== values.length) return null;
  const labels = new Set(equations.map((e) => e.label));
  if (labels.size !== equations.length) return null;
  return { kind: "list", open: "(", close: ")", ordered: true, items: equations.map((e) => e.value as MathValue) };
}

function matrixValue(environment: string, body: string, parse: Parse, level: number): ListValue {
  const rows = body.split("\\\\").filter((row) => row.trim() !== "");
  const values = rows.map((row): MathValue => ({
    kind: "list",
    open: "row",
    close: "",
    ordered: true,
    items: row.split("&").map((cell) => parse(cell, level + 1)),
  }));
  // `vmatrix` is a determinant, not a matrix.
  const open = environment === "vmatrix" || environment === "Vmatrix" ? "det" : "matrix";
  return { kind: "list", open, close: "", ordered: true, items: values };
}

/** `(…)`, `[…]`, `(…]`, `[…)` or `\{…\}` around the whole string, with their content. */
function enclosed(s: string): { open: string; close: string; inner: string } | null {
  const open = s.startsWith("\\{") ? "\\{" : s[0] === "(" || s[0] === "[" ? s[0] : null;
  if (open === null) return null;
  const close = s.endsWith("\\}") ? "\\}" : s.endsWith(")") || s.endsWith("]") ? s.slice(-1) : null;
  if (close === null || (open === "\\{") !== (close === "\\}")) return null;
  const inner = s.slice(open.length, s.length - close.length);
  // `(1)(2)` is not one bracketed list: the first bracket must close at the very end.
  return balanced(inner) ? { open, close, inner } : null;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\" && (s[i + 1] === "{" || s[i + 1] === "}")) {
      // Set braces \{ \} pair with each other; skipping both keeps them out of the count.
      i++;
      continue;
    }
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if ((ch === ")" || ch === "]" || ch === "}") && --depth < 0) return false;
  }
  return depth === 0;
}
