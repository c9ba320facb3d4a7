/**
 * Parses a normalised answer into a value to compare: a number (with a fast path for plain
 * literals that never touches the CAS), an expression with free variables, an ordered tuple or
 * interval, an unordered set or comma list, an equation or inequality, or, when nothing else
 * fits, text. Lists and relations live in structure.ts and relation.ts.
 */

import { nestingDepth } from "./braces.js";
import { compileExpression, MAX_CAS_DEPTH, type CasExpression } from "./cas.js";
import { latexToExpression } from "./latex.js";
import { MAX_ANSWER_CHARS, normalizeAnswer } from "./normalize.js";
import { relation } from "./relation.js";
import { list, plusMinus } from "./structure.js";

export interface NumberValue {
  readonly kind: "number";
  readonly value: number;
  /** The exact integer when the answer is an integer literal (compared without rounding). */
  readonly integer: bigint | null;
  /** A literal (exact decimal or fraction) rather than a CAS evaluation (floating point). */
  readonly exact: boolean;
  readonly percent: boolean;
  /** Digits after the point when written as a decimal literal (`3.14` → 2), else null. */
  readonly places: number | null;
}
export interface ExpressionValue {
  readonly kind: "expression";
  readonly expression: CasExpression;
}
export interface ListValue {
  readonly kind: "list";
  /** `(`, `[`, `\{`, `matrix`, `det`, `row`, `∪` (a union), `±` (a ± expansion) or "" (a bare list). */
  readonly open: string;
  readonly close: string;
  /** Tuples, intervals and matrices are ordered; sets, unions and bare comma lists are not. */
  readonly ordered: boolean;
  readonly items: readonly MathValue[];
  /** An interval written as an inequality (`x > 3`): a bare list of these is a union. */
  readonly interval?: boolean;
  /** `3,5` may be the decimal 3.5 written with a decimal comma. */
  readonly decimalComma?: number;
}
export type RelationOp = "=" | "<" | "\\le" | "\\ne";
export interface EquationValue {
  readonly kind: "equation";
  /** `>` and `\ge` are stored as `<` and `\le` with the sides swapped. */
  readonly op: RelationOp;
  readonly left: MathValue;
  readonly right: MathValue;
  /** `x = 5`, `f(x) = x^2`, `(p, q) = (3, 2)`: the labelled value and its label. */
  readonly label: string | null;
  readonly value: MathValue | null;
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

/** Parses one sub-answer at a nesting level (lists and relations recurse through this). */
export type Parse = (s: string, level: number) => MathValue;

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
  // Fast path: most answers are a plain literal, which no list or relation rule touches.
  const literal = numberLiteral(s);
  if (literal !== null) return literal;
  const parse: Parse = (inner, at) => parseValue(inner.trim(), options, at);
  return list(s, parse, level) ?? relation(s, parse, level) ?? plusMinus(s, parse, level) ?? percent(s, options) ?? expression(s, options);
}

function percent(s: string, options: ParseOptions): MathValue | null {
  if (!s.endsWith("%")) return null;
  const inner = scalar(s.slice(0, -1).trim(), options);
  return inner.kind === "number" ? { ...inner, percent: true } : text(s);
}

function scalar(s: string, options: ParseOptions): MathValue {
  return numberLiteral(s) ?? expression(s, options);
}

/** Not a literal: the CAS, or text. */
function expression(s: string, options: ParseOptions): MathValue {
  if (!options.symbolic) return text(s);
  const source = latexToExpression(s);
  // Split `ab` into a·b only when the answer has some mathematics in it; a word stays a word.
  const compiled = source === null ? null : compileExpression(source, { splitNames: /[\d\\+\-*/^]/.test(s) });
  if (compiled === null) return text(s);
  if (compiled.vars.length > 0) return { kind: "expression", expression: compiled };
  const value = compiled.evaluate({});
  return Number.isFinite(value) ? { kind: "number", value, integer: null, exact: false, percent: false, places: null } : text(s);
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
    return exact(Number(s.replaceAll(",", "")), integer, decimal[3]?.length ?? null);
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

function exact(value: number, integer: bigint | null, places: number | null = null): NumberValue {
  return { kind: "number", value, integer, exact: true, percent: false, places };
}

/** Text compares case-insensitively without spaces; `(C)` and `C` are the same choice. */
export function text(s: string): TextValue {
  const flat = s.replace(/\s+/g, "").toLowerCase();
  const choice = /^\(([a-z0-9]+)\)$/.exec(flat);
  return { kind: "text", text: choice?.[1] ?? flat };
}

/** Matches a separator at an index: its length, or 0. */
export type Separator = string | ((s: string, i: number) => number);

/** Splits on `separator` outside any (), [], {} or \{\}. */
export function splitTopLevel(s: string, separator: Separator): string[] {
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
    else if (depth === 0) {
      const length = separatorAt(s, i, separator);
      if (length > 0) {
        parts.push(s.slice(start, i));
        start = i + length;
        i = start - 1;
      }
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function separatorAt(s: string, i: number, separator: Separator): number {
  if (typeof separator === "string") return s.startsWith(separator, i) ? separator.length : 0;
  return separator(s, i);
}
