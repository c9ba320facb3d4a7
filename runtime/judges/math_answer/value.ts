/**
 * Parses a normalised answer into a value to compare: a number (with a fast path for plain
 * literals that never touches the CAS), an expression with free variables, an ordered tuple or
 * interval, an unordered set or comma list, an equation, or, when nothing else fits, text.
 */

import { nestingDepth } from "./braces.js";
import { compileExpression, MAX_CAS_DEPTH, type CasExpression } from "./cas.js";
import { latexToExpression } from "./latex.js";
import { MAX_ANSWER_CHARS, normalizeAnswer } from "./normalize.js";

export interface NumberValue {
  readonly kind: "number";
  readonly value: number;
  /** The exact integer when the answer is an integer literal (compared without rounding). */
  readonly integer: bigint | null;
  /** A literal (exact decimal or fraction) rather than a CAS evaluation (floating point). */
  readonly exact: boolean;
  readonly percent: boolean;
}
export interface ExpressionValue {
  readonly kind: "expression";
  readonly expression: CasExpression;
}
export interface ListValue {
  readonly kind: "list";
  readonly open: string;
  readonly close: string;
  /** Tuples, intervals and unions are ordered; sets and bare comma lists are not. */
  readonly ordered: boolean;
  readonly items: readonly MathValue[];
}
export interface EquationValue {
  readonly kind: "equation";
  readonly left: MathValue;
  readonly right: MathValue;
}
export interface TextValue {
  readonly kind: "text";
  readonly text: string;
}
export type MathValue = NumberValue | ExpressionValue | ListValue | EquationValue | TextValue;

export interface ParsedAnswer {
  /** The normalised answer without whitespace: equal canonical strings always match. */
  readonly canonical: string;
  readonly value: MathValue;
}

export interface ParseOptions {
  /** Use the CAS for anything beyond literal numbers and fractions. */
  readonly symbolic: boolean;
}

/** Lists longer than this are compared as text (element matching is quadratic). */
const MAX_LIST_ITEMS = 64;
const MAX_LIST_NESTING = 4;

/** Null when the answer is empty after normalisation or longer than MAX_ANSWER_CHARS. */
export function parseAnswer(raw: string, options: ParseOptions): ParsedAnswer | null {
  if (raw.length > MAX_ANSWER_CHARS) return null;
  const normalized = normalizeAnswer(raw);
  if (normalized === "") return null;
  return { canonical: normalized.replace(/\s+/g, ""), value: parseValue(normalized, options, 0) };
}

function parseValue(s: string, options: ParseOptions, level: number): MathValue {
  if (level > MAX_LIST_NESTING || nestingDepth(s) > MAX_CAS_DEPTH) return text(s);
  return equation(s, options, level) ?? list(s, options, level) ?? percent(s, options) ?? scalar(s, options);
}

const VARIABLE = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+|[a-zA-Z]\(\s*[a-zA-Z]\s*\))$/;

/** `x = 5` is the answer 5; `y = 2x + 1` is 2x + 1; `x + y = 3` stays an equation. */
function equation(s: string, options: ParseOptions, level: number): MathValue | null {
  const parts = splitTopLevel(s, "=");
  if (parts.length < 2) return null;
  const left = parts[parts.length - 2]?.trim() ?? "";
  const right = parts[parts.length - 1]?.trim() ?? "";
  if (left === "" || right === "") return text(s);
  if (VARIABLE.test(left)) return parseValue(right, options, level);
  if (VARIABLE.test(right)) return parseValue(left, options, level);
  return { kind: "equation", left: parseValue(left, options, level), right: parseValue(right, options, level) };
}

const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$/;
const MATRIX = /^\\begin\{([pbBvV]?matrix)\}([\s\S]*)\\end\{\1\}$/;

function list(s: string, options: ParseOptions, level: number): ListValue | null {
  const items = (parts: string[]) => parts.map((part) => parseValue(part.trim(), options, level + 1));
  const union = splitTopLevel(s, "\\cup");
  if (union.length > 1) return { kind: "list", open: "∪", close: "", ordered: true, items: items(union) };
  const matrix = MATRIX.exec(s);
  if (matrix) {
    const rows = (matrix[2] ?? "").split("\\\\").filter((row) => row.trim() !== "");
    const values = rows.map((row): MathValue => ({ kind: "list", open: "row", close: "", ordered: true, items: items(row.split("&")) }));
    return { kind: "list", open: "matrix", close: "", ordered: true, items: values };
  }
  const bracketed = enclosed(s);
  if (bracketed) {
    const parts = splitTopLevel(bracketed.inner, ",");
    const isSet = bracketed.open === "\\{";
    if (parts.length > MAX_LIST_ITEMS || (parts.length < 2 && !isSet)) return null;
    return { kind: "list", open: bracketed.open, close: bracketed.close, ordered: !isSet, items: items(parts) };
  }
  const parts = splitTopLevel(s, ",");
  if (parts.length < 2 || parts.length > MAX_LIST_ITEMS || THOUSANDS.test(s)) return null;
  return { kind: "list", open: "", close: "", ordered: false, items: items(parts) };
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

/** Splits on `separator` outside any (), [], {} or \{\}. */
export function splitTopLevel(s: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\" && (s[i + 1] === "{" || s[i + 1] === "}")) {
      depth += s[i + 1] === "{" ? 1 : -1;
      i++;
    } else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (depth === 0 && s.startsWith(separator, i)) {
      parts.push(s.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function percent(s: string, options: ParseOptions): MathValue | null {
  if (!s.endsWith("%")) return null;
  const inner = scalar(s.slice(0, -1).trim(), options);
  return inner.kind === "number" ? { ...inner, percent: true } : text(s);
}

function scalar(s: string, options: ParseOptions): MathValue {
  const literal = numberLiteral(s);
  if (literal !== null) return literal;
  if (!options.symbolic) return text(s);
  const source = latexToExpression(s);
  // Split `ab` into a·b only when the answer has some mathematics in it; a word stays a word.
  const compiled = source === null ? null : compileExpression(source, { splitNames: /[\d\\+\-*/^]/.test(s) });
  if (compiled === null) return text(s);
  if (compiled.vars.length > 0) return { kind: "expression", expression: compiled };
  const value = compiled.evaluate({});
  return Number.isFinite(value) ? { kind: "number", value, integer: null, exact: false, percent: false } : text(s);
}

const DECIMAL = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/;
const SCIENTIFIC = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
const SLASH = /^([+-]?)(\d+)\s*\/\s*(\d+)$/;
const FRACTION = /^([+-]?)\s*\\[dtc]?frac\s*(?:\{\s*([+-]?\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))$/;
/** `2\frac{1}{2}` is the mixed number 2½ in MATH answers, not 2·½. */
const MIXED = /^([+-]?)(\d+)\s*\\[dtc]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}$/;

/** Plain literals: the fast path, no CAS. Null when `s` is not one. */
export function numberLiteral(s: string): NumberValue | null {
  const decimal = DECIMAL.exec(s);
  if (decimal && (decimal[2] !== undefined || decimal[3] !== undefined)) {
    const digits = (decimal[2] ?? "0").replaceAll(",", "");
    const integer = decimal[3] === undefined ? BigInt(`${decimal[1] === "-" ? "-" : ""}${digits}`) : null;
    return exact(Number(s.replaceAll(",", "")), integer);
  }
  if (SCIENTIFIC.test(s)) {
    const value = Number(s);
    return Number.isFinite(value) ? exact(value, null) : null;
  }
  const slash = SLASH.exec(s);
  if (slash) return ratio(slash[1], slash[2], slash[3]);
  const fraction = FRACTION.exec(s);
  if (fraction) return ratio(fraction[1], fraction[2] ?? fraction[3], fraction[4] ?? fraction[5]);
  const mixed = MIXED.exec(s);
  if (mixed) {
    const whole = Number(mixed[2]);
    const part = Number(mixed[3]) / Number(mixed[4]);
    if (!Number.isFinite(part)) return null;
    return exact((mixed[1] === "-" ? -1 : 1) * (whole + part), null);
  }
  return null;
}

function ratio(sign: string | undefined, num: string | undefined, den: string | undefined): NumberValue | null {
  const value = Number(num) / Number(den);
  if (!Number.isFinite(value)) return null;
  return exact(sign === "-" ? -value : value, null);
}

function exact(value: number, integer: bigint | null): NumberValue {
  return { kind: "number", value, integer, exact: true, percent: false };
}

/** Text compares case-insensitively without spaces; `(C)` and `C` are the same choice. */
function text(s: string): TextValue {
  const flat = s.replace(/\s+/g, "").toLowerCase();
  const choice = /^\(([a-z0-9]+)\)$/.exec(flat);
  return { kind: "text", text: choice?.[1] ?? flat };
}
