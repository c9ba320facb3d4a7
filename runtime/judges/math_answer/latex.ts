/**
 * LaTeX → mathjs syntax for the restricted CAS: fractions, roots, powers, subscripts, `\pi`,
 * `\cdot`/`\times`, named functions and Greek letters. Anything else (`\pm`, `\le`, matrices
 * inside an element, unknown commands) returns null and the answer is compared as text.
 * Recursion is bounded by the caller's nesting check (MAX_CAS_DEPTH).
 */

import { matchBrace, readArgument } from "./braces.js";

const FRACTIONS = new Set(["frac", "dfrac", "tfrac", "cfrac"]);
const FUNCTIONS: Readonly<Record<string, string>> = {
  sin: "sin", cos: "cos", tan: "tan", sec: "sec", csc: "csc", cot: "cot",
  arcsin: "asin", arccos: "acos", arctan: "atan", sinh: "sinh", cosh: "cosh", tanh: "tanh",
  ln: "ln", log: "log", exp: "exp",
};
const SYMBOLS: Readonly<Record<string, string>> = {
  pi: " pi ", infty: " inf ", cdot: "*", times: "*", ast: "*", div: "/",
};
const GREEK = /^(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|varrho|sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Sigma|Upsilon|Phi|Psi|Omega)$/;

interface Cursor {
  readonly text: string;
  i: number;
}

export function latexToExpression(latex: string): string | null {
  const cursor: Cursor = { text: latex, i: 0 };
  let out = "";
  let bars = 0;
  while (cursor.i < latex.length) {
    const ch = latex[cursor.i];
    let piece: string | null;
    if (ch === "\\") piece = command(cursor);
    else if (ch === "{") piece = group(cursor);
    else if (ch === "^") piece = power(cursor);
    else if (ch === "_") piece = subscript(cursor, out);
    else if (ch === "|") {
      // |x| is absolute value; only one non-nested pair is understood.
      piece = bars++ % 2 === 0 ? " abs(" : ")";
      cursor.i++;
    } else if (ch === "}" || ch === "[" || ch === "]") piece = null;
    else {
      piece = ch ?? "";
      cursor.i++;
    }
    if (piece === null) return null;
    out += piece;
  }
  return bars % 2 === 0 && bars <= 2 ? out : null;
}

function sub(text: string): string | null {
  return latexToExpression(text);
}

function group(cursor: Cursor): string | null {
  const close = matchBrace(cursor.text, cursor.i);
  if (close === -1) return null;
  const inner = sub(cursor.text.slice(cursor.i + 1, close));
  cursor.i = close + 1;
  return inner === null ? null : `(${inner})`;
}

function power(cursor: Cursor): string | null {
  // `2^10` in an answer means 2¹⁰ (plain-text habit), not LaTeX's 2¹·0.
  const digits = /^\s*\d+(?:\.\d+)?/.exec(cursor.text.slice(cursor.i + 1, cursor.i + 40));
  if (digits) {
    cursor.i += 1 + digits[0].length;
    return `^(${digits[0].trim()})`;
  }
  const arg = readArgument(cursor.text, cursor.i + 1);
  if (arg === null) return null;
  const inner = sub(arg.content);
  cursor.i = arg.end;
  return inner === null ? null : `^(${inner})`;
}

/** `x_1`, `x_{12}` → the mathjs symbol `x_1`; only after a letter. */
function subscript(cursor: Cursor, before: string): string | null {
  const arg = readArgument(cursor.text, cursor.i + 1);
  if (arg === null || !/[a-zA-Z]$/.test(before) || !/^[a-zA-Z0-9]+$/.test(arg.content.trim())) return null;
  cursor.i = arg.end;
  return `_${arg.content.trim()}`;
}

function command(cursor: Cursor): string | null {
  const m = /^\\([a-zA-Z]+|.)/.exec(cursor.text.slice(cursor.i, cursor.i + 40));
  if (!m || m[1] === undefined) return null;
  const name = m[1];
  cursor.i += m[0].length;
  if (FRACTIONS.has(name)) return fraction(cursor);
  if (name === "sqrt") return root(cursor);
  if (Object.hasOwn(SYMBOLS, name)) return SYMBOLS[name] ?? null;
  if (Object.hasOwn(FUNCTIONS, name)) return func(cursor, FUNCTIONS[name] ?? name);
  if (GREEK.test(name)) return ` ${name} `;
  return null;
}

function fraction(cursor: Cursor): string | null {
  const num = readArgument(cursor.text, cursor.i);
  const den = num && readArgument(cursor.text, num.end);
  if (!num || !den) return null;
  const a = sub(num.content);
  const b = sub(den.content);
  cursor.i = den.end;
  return a === null || b === null ? null : `((${a})/(${b}))`;
}

/** `\sqrt{x}`, `\sqrt2`, `\sqrt[3]{x}` (a real cube root, also of negatives). */
function root(cursor: Cursor): string | null {
  let index: string | null = null;
  if (cursor.text[cursor.i] === "[") {
    const close = cursor.text.indexOf("]", cursor.i);
    if (close === -1) return null;
    index = sub(cursor.text.slice(cursor.i + 1, close));
    if (index === null) return null;
    cursor.i = close + 1;
  }
  const arg = readArgument(cursor.text, cursor.i);
  if (!arg) return null;
  const radicand = sub(arg.content);
  cursor.i = arg.end;
  if (radicand === null) return null;
  return index === null ? ` sqrt(${radicand})` : ` nthRoot((${radicand}),(${index}))`;
}

/**
 * `\sin(x)`, `\sin{x}`, `\sin x`, `\ln 2`, `\sin 2x` (the conventional sin(2x)), `\log_2 8`,
 * and `\sin^2 x`, which means (sin x)².
 */
function func(cursor: Cursor, name: string): string | null {
  const text = cursor.text;
  let base: string | null = null;
  let exponent: string | null = null;
  if (name === "log" && text[cursor.i] === "_") {
    const arg = readArgument(text, cursor.i + 1);
    base = arg && sub(arg.content);
    if (!arg || base === null) return null;
    cursor.i = arg.end;
  }
  if (text[cursor.i] === "^") {
    exponent = power(cursor);
    // `\sin^{-1}` is arcsin, not 1/sin: too ambiguous to guess, so the answer stays text.
    if (exponent === null || exponent.replace(/\s/g, "") === "^(-1)") return null;
  }
  while (text[cursor.i] === " ") cursor.i++;
  let argument: string | null;
  if (text[cursor.i] === "(") {
    const close = matchParen(text, cursor.i);
    if (close === -1) return null;
    argument = sub(text.slice(cursor.i + 1, close));
    cursor.i = close + 1;
  } else if (text[cursor.i] === "{") {
    argument = group(cursor);
  } else {
    const atom = /^(?:\d+(?:\.\d+)?[a-zA-Z]?|[a-zA-Z]|\\[a-zA-Z]+)/.exec(text.slice(cursor.i, cursor.i + 40));
    if (!atom) return null;
    argument = sub(atom[0]);
    cursor.i += atom[0].length;
  }
  if (argument === null) return null;
  const call = base === null ? ` ${name}(${argument})` : ` log((${argument}),(${base}))`;
  return exponent === null ? call : ` (${call})${exponent}`;
}

function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return -1;
}
