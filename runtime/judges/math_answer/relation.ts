/**
 * Equations and inequalities. A lone variable (or `f(x)`, or a tuple of variables) on one side
 * of `=` is a label: `x = 5` answers 5 and `(p, q) = (3, 2)` answers (3, 2). An inequality
 * that bounds a lone variable is an interval: `x \ge 3` is `[3, \infty)` and `-2 < x \le 5` is
 * `(-2, 5]`. Anything else stays a relation, compared side by side or as a rearrangement.
 */

import type { ListValue, MathValue, Parse, RelationOp } from "./value.js";
import { splitTopLevel, text } from "./value.js";

/** The relation symbols after normalisation (normalize.ts rewrites `\geq`, `>=`, `≥`, ...). */
const RELATION = /=|<|>|\\le(?![a-zA-Z])|\\ge(?![a-zA-Z])|\\ne(?![a-zA-Z])/y;

const VARIABLE = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+|[a-zA-Z]\(\s*[a-zA-Z]\s*\))$/;
const VARIABLE_TUPLE = /^\(\s*[a-zA-Z](?:_\{?\w+\}?)?(?:\s*,\s*[a-zA-Z](?:_\{?\w+\}?)?)+\s*\)$/;

function isLabel(s: string): boolean {
  return (VARIABLE.test(s) && !/^\\(?:infty|pi)$/.test(s)) || VARIABLE_TUPLE.test(s);
}

export function relation(s: string, parse: Parse, level: number): MathValue | null {
  const split = splitRelations(s);
  if (split === null) return null;
  const { parts, ops } = split;
  if (parts.some((p) => p === "")) return text(s);
  if (ops.every((op) => op === "=")) return equation(parts, parse, level);
  if (ops.includes("=")) return text(s);
  return inequality(parts, ops, parse, level) ?? text(s);
}

/** A cheap test before the split: most answers have no relation symbol at all. */
const MAY_RELATE = /[=<>]|\\[lgn]e(?![a-zA-Z])/;

function splitRelations(s: string): { parts: string[]; ops: string[] } | null {
  if (!MAY_RELATE.test(s)) return null;
  const ops: string[] = [];
  const parts = splitTopLevel(s, (input, i) => {
    RELATION.lastIndex = i;
    const m = RELATION.exec(input);
    if (m === null) return 0;
    ops.push(m[0]);
    return m[0].length;
  }).map((p) => p.trim());
  return ops.length === 0 ? null : { parts, ops };
}

function equation(parts: readonly string[], parse: Parse, level: number): MathValue {
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (isLabel(first)) return labelled(first, parse(last, level), parse, level);
  if (parts.length === 2 && isLabel(last)) return labelled(last, parse(first, level), parse, level);
  // `a = b = c`: a chain of computations; its first and last members are the claim.
  return { kind: "equation", op: "=", left: parse(first, level), right: parse(last, level), label: null, value: null };
}

function labelled(label: string, value: MathValue, parse: Parse, level: number): MathValue {
  return { kind: "equation", op: "=", left: parse(label, level), right: value, label: label.replace(/\s+/g, ""), value };
}

const LOWER = new Set(["<", "\\le"]);
const UPPER = new Set([">", "\\ge"]);

function inequality(parts: readonly string[], ops: readonly string[], parse: Parse, level: number): MathValue | null {
  if (ops.includes("\\ne")) {
    if (ops.length !== 1) return null;
    return { kind: "equation", op: "\\ne", left: parse(parts[0] as string, level), right: parse(parts[1] as string, level), label: null, value: null };
  }
  // Read everything as `<` / `\le` chains, left to right.
  const ascending = ops.every((op) => LOWER.has(op));
  const descending = ops.every((op) => UPPER.has(op));
  if (!ascending && !descending) return null;
  const chain = ascending ? [...parts] : [...parts].reverse();
  const strict = (ascending ? ops : [...ops].reverse()).map((op) => op === "<" || op === ">");
  if (chain.length === 2) {
    const [a, b] = chain as [string, string];
    if (isLabel(b) && !isLabel(a)) return interval(parse(a, level), !strict[0], null, false);
    if (isLabel(a) && !isLabel(b)) return interval(null, false, parse(b, level), !strict[0]);
    return { kind: "equation", op: strict[0] ? "<" : "\\le", left: parse(a, level), right: parse(b, level), label: null, value: null };
  }
  if (chain.length === 3 && isLabel(chain[1] as string)) {
    return interval(parse(chain[0] as string, level), !strict[0], parse(chain[2] as string, level), !strict[1]);
  }
  return null;
}

/** Null bounds are infinite; they compare like the text of `\infty` in a written interval. */
function interval(low: MathValue | null, lowClosed: boolean, high: MathValue | null, highClosed: boolean): ListValue {
  return {
    kind: "list",
    open: lowClosed && low !== null ? "[" : "(",
    close: highClosed && high !== null ? "]" : ")",
    ordered: true,
    items: [low ?? text("-\\infty"), high ?? text("\\infty")],
    interval: true,
  };
}
