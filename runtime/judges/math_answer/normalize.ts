/**
 * Answer normalisation: turns an extracted answer (or a reference) into a canonical LaTeX-ish
 * string before parsing. It removes presentation (math delimiters, `\left`/`\right`, spacing
 * commands, `\text{}` units, degrees, dollar signs, thousands separators written as `{,}` or
 * `\,`) but never changes the value, so both sides of a comparison can go through it.
 */

import { matchBrace } from "./braces.js";

/** Longer answers are not answers; they are rejected before any work (see the judge). */
export const MAX_ANSWER_CHARS = 1000;

/** Formatting that always unwraps to its content (a box, a bold vector `\mathbf{v}`). */
const WRAPPERS = /\\(?:boxed|fbox|mathbf|boldsymbol|mathit|mathsf|mathtt|vec|bm|operatorname)\s*\{/g;
/** Text commands: their content is a unit after a value, or the answer itself when alone. */
const TEXTS = /\\(?:text|textbf|textit|textrm|textnormal|textsf|texttt|mathrm|mbox|hbox)\s*\{/g;

const UNICODE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\u2212/g, "-"],
  [/\u221e/g, "\\infty "],
  [/\u00d7/g, "\\times "],
  [/\u00b7|\u22c5/g, "\\cdot "],
  [/\u03c0/g, "\\pi "],
  [/\u00b0/g, "^\\circ"],
  [/\u2265/g, "\\ge "],
  [/\u2264/g, "\\le "],
  [/\u2260/g, "\\ne "],
  [/\u00b1/g, "\\pm "],
];

/** `1{,}000`, `1\,000`, `1\ 000`: thousands separators between digit groups. */
const THOUSANDS_SPACING = /(\d)\s*(?:\\,|\{,\}|\\ )\s*(?=\d{3}(?!\d))/g;

const SPACING: ReadonlyArray<readonly [RegExp, string]> = [
  [/\\(?:left|right|[bB]igg?[lr]?)(?![a-zA-Z])\s*\.?/g, ""],
  [/\\(?:displaystyle|textstyle|scriptstyle)(?![a-zA-Z])/g, ""],
  [/(?<!\\)\\!/g, ""],
  [THOUSANDS_SPACING, "$1"],
  // The lookbehinds keep LaTeX's row break `\\` (matrices) intact.
  [/(?<!\\)\\[,;: ]|\\q?quad(?![a-zA-Z])|~/g, " "],
  [/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\^\s*\{\s*\\degree\s*\}|\\degree/g, ""],
  [/\\\$|\$/g, ""],
  [/\\%/g, "%"],
  [/(?<!\\)\\[()[\]]/g, ""],
  // `x \in [1, 2]` answers like `x = [1, 2]`: the set is the answer.
  [/\\in(?![a-zA-Z])/g, "="],
];

/** One spelling per relation: `\ge`, `\le`, `\ne`, `<`, `>` (relation.ts reads these). */
const RELATIONS = /\\(?:geq?slant|geqq|geq|ge|leq?slant|leqq|leq|le|neq|ne|gt|lt)(?![a-zA-Z])\s*/g;
const RELATION_SPELLING: Readonly<Record<string, string>> = { g: "\\ge ", l: "\\le ", n: "\\ne " };

function relationSpelling(command: string): string {
  const name = command.trim();
  if (name === "\\gt") return ">";
  if (name === "\\lt") return "<";
  return RELATION_SPELLING[name.charAt(1)] ?? command;
}

/** Plain-text relations and list separators, also in answers without LaTeX. */
const PLAIN: ReadonlyArray<readonly [RegExp, string]> = [
  [/>=/g, "\\ge "],
  [/<=/g, "\\le "],
  // Not after a factorial: `5!=120` is 5! = 120.
  [/(?<![\d)!])!=/g, "\\ne "],
  [/\+\s*\\infty/g, "\\infty"],
  // `1; 2; 3` and `1 and 2` list their items like commas do.
  [/\s*;\s*/g, ", "],
  [/\s+(?:and|or)\s+/gi, ", "],
];

/** Whether any PLAIN rewrite can apply (most answers are a bare number: skip six scans). */
const PLAIN_HINT = /[<>=!;]|\\infty|\s(?:and|or)\s/i;

export function normalizeAnswer(raw: string): string {
  let s = raw;
  if (/[^\x00-\x7f]/.test(s)) for (const [re, to] of UNICODE) s = s.replace(re, to);
  if (s.includes("\\") || s.includes("$") || s.includes("~") || s.includes("{")) {
    // What `{,}` is left between digits after the thousands rule is a decimal comma (`3{,}5`).
    const decimalComma = s.includes("{,}");
    for (const [re, to] of SPACING) {
      s = s.replace(re, to);
      if (decimalComma && re === THOUSANDS_SPACING) s = s.replace(/(\d)\{,\}(?=\d)/g, "$1.");
    }
    if (s.includes("\\g") || s.includes("\\l") || s.includes("\\n")) s = s.replace(RELATIONS, relationSpelling);
    s = rewriteCommands(s, WRAPPERS, unwrap);
    s = rewriteCommands(s, TEXTS, textReplacement);
  }
  if (PLAIN_HINT.test(s)) for (const [re, to] of PLAIN) s = s.replace(re, to);
  // `11 111`: digit groups separated by plain spaces are one number.
  if (/\d \d/.test(s)) s = s.replace(/(?<![\d.])\d{1,3}(?: \d{3})+(?![\d.])/g, (m) => m.replaceAll(" ", ""));
  s = s.replace(/\s+/g, " ").trim();
  s = stripUnitWords(s);
  return trimPunctuation(s);
}

/**
 * Replaces `\cmd{content}` (innermost and last first, so nesting works without recursion)
 * with `replace(content, before, after)`; `after` lets a unit swallow its `^2`.
 */
function rewriteCommands(
  text: string,
  pattern: RegExp,
  replace: (content: string, before: string, after: string) => { text: string; skip: number },
): string {
  let s = text;
  // Real answers have a handful of commands; past 64 the rest stay and the CAS rejects them.
  for (let guard = 0; guard < 64; guard++) {
    let last: RegExpExecArray | null = null;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(s); m !== null; m = pattern.exec(s)) last = m;
    if (last === null) return s;
    const open = last.index + last[0].length - 1;
    const close = matchBrace(s, open);
    if (close === -1) return s.slice(0, last.index) + s.slice(open + 1);
    const after = s.slice(close + 1);
    const out = replace(s.slice(open + 1, close), s.slice(0, last.index), after);
    s = `${s.slice(0, last.index)}${out.text}${after.slice(out.skip)}`;
  }
  return s;
}

function unwrap(content: string): { text: string; skip: number } {
  return { text: content, skip: 0 };
}

const CONNECTIVES = /^\s*(?:or|and|,)\s*$/i;
/** A unit follows a value: a digit, a closing bracket, a letter or a command such as `\pi`. */
const VALUE_BEFORE = /[\w})\]%]\s*$/;
const POWER_AFTER = /^\s*\^\s*(?:\{\s*\d\s*\}|\d)/;

/** `5 \text{ cm}^2` → `5`; `1 \text{ or } 2` → `1, 2`; `\text{(C)}` alone → `(C)`. */
function textReplacement(content: string, before: string, after: string): { text: string; skip: number } {
  if (CONNECTIVES.test(content)) return { text: ", ", skip: 0 };
  if (content.trim() === "") return unwrap("");
  if (!VALUE_BEFORE.test(before)) return unwrap(content);
  const power = POWER_AFTER.exec(after);
  return { text: " ", skip: power ? power[0].length : 0 };
}

/** Words a trailing-unit strip must keep: they are mathematics, not units. */
const MATH_WORDS = new Set(["sin", "cos", "tan", "sec", "csc", "cot", "ln", "log", "exp", "pi", "sqrt", "inf", "infty"]);
const UNIT_WORD = /^([a-zA-Z]{2,})\.?(?:\^\{?\d\}?)?$/;

/**
 * Plain-text units after a value: `5 cm`, `12 dollars`, `3 square feet`. Only words of two or
 * more letters go, so single-letter variables (`2 x`) stay.
 */
function stripUnitWords(s: string): string {
  if (!/[a-zA-Z]{2}/.test(s)) return s;
  const words = s.split(" ");
  let keep = words.length;
  while (keep > 1) {
    const m = UNIT_WORD.exec(words[keep - 1] ?? "");
    if (!m || MATH_WORDS.has((m[1] ?? "").toLowerCase())) break;
    keep--;
  }
  if (keep === words.length || !/(?:[\d})%]|\\[a-zA-Z]+)$/.test(words[keep - 1] ?? "")) return s;
  return words.slice(0, keep).join(" ");
}

/** Sentence punctuation around an answer is not part of it (a decimal point has a digit after). */
function trimPunctuation(s: string): string {
  // Not `!`: a trailing `!` is a factorial.
  let out = s.replace(/(?:[.,;:?]|\\\\)+$/, "").trim();
  while (out.startsWith("{") && matchBrace(out, 0) === out.length - 1) out = out.slice(1, -1).trim();
  return out;
}
