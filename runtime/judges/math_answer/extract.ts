/**
 * Answer extraction from a model response. Each strategy returns the raw answer text (LaTeX
 * and all) or null; the judge tries them in the recipe's declared order and uses the first
 * that finds something, so a response cannot win by offering several answers.
 */

import { matchBrace } from "./braces.js";

export type ExtractStrategy = "final_answer" | "boxed" | "last_number";

export const EXTRACT_STRATEGIES: readonly ExtractStrategy[] = ["final_answer", "boxed", "last_number"];

export interface Extraction {
  readonly strategy: ExtractStrategy;
  readonly text: string;
}

/**
 * Final answers come at the end, so only the last 32 Ki characters of a response are read:
 * this bounds the work on enormous responses without ever missing a real final answer.
 */
export const RESPONSE_TAIL_CHARS = 32 * 1024;

export function extractAnswer(response: string, order: readonly ExtractStrategy[]): Extraction | null {
  const text = response.length > RESPONSE_TAIL_CHARS ? response.slice(-RESPONSE_TAIL_CHARS) : response;
  for (const strategy of order) {
    const found = STRATEGIES[strategy](text);
    if (found !== null && found.trim() !== "") return { strategy, text: found };
  }
  return null;
}

const STRATEGIES: Record<ExtractStrategy, (text: string) => string | null> = {
  final_answer: extractFinalAnswer,
  boxed: extractBoxed,
  last_number: extractLastNumber,
};

const FINAL = /final\s+answer\s*(?:is\b|:)\s*:?/gi;

/** Lines longer than this are not answers; the cap also keeps the span search linear. */
const MAX_LINE_CHARS = 2048;

/**
 * The paper's format: "The final answer is X" (also "Final Answer: The final answer is $X$.
 * I hope it is correct." and "Final answer: X"). Takes the last occurrence; X runs to the end
 * of its sentence, or is the content of the first `$...$` span when there is one.
 */
export function extractFinalAnswer(text: string): string | null {
  let after = -1;
  FINAL.lastIndex = 0;
  for (let m = FINAL.exec(text); m !== null; m = FINAL.exec(text)) after = m.index + m[0].length;
  return after === -1 ? null : answerAfter(text, after);
}

/** The rest of the line after the phrase (plus following lines of an open display), trimmed. */
function answerAfter(text: string, start: number): string | null {
  let end = text.indexOf("\n", start);
  let line = text.slice(start, end === -1 ? text.length : end).trim();
  // "The final answer is\n$$\nX\n$$": read on while the line is empty or a display is open.
  for (let extra = 0; extra < 4 && end !== -1 && (line === "" || openDisplay(line)); extra++) {
    const next = text.indexOf("\n", end + 1);
    line = `${line} ${text.slice(end + 1, next === -1 ? text.length : next).trim()}`.trim();
    end = next;
  }
  line = line.slice(0, MAX_LINE_CHARS).replace(/\s*i hope it is correct\.?\s*$/i, "");
  const math = mathSpan(line);
  if (math !== null) return math;
  // The sentence ends at a period followed by a space (a decimal point never is).
  const stop = line.search(/\.(\s|$)/);
  const sentence = stop === -1 ? line : line.slice(0, stop);
  return sentence.trim() === "" ? null : sentence.trim();
}

function openDisplay(line: string): boolean {
  return line.split("$$").length % 2 === 0 || (line.includes("\\[") && !line.includes("\\]"));
}

/** Content of the first `$...$`, `$$...$$`, `\(...\)` or `\[...\]` span in a line. */
function mathSpan(line: string): string | null {
  const m = /\$\$([^$]+)\$\$|\$([^$]+)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]/.exec(line);
  if (!m) return null;
  return (m[1] ?? m[2] ?? m[3] ?? m[4] ?? "").trim() || null;
}

/** The content of the last `\boxed{...}` or `\fbox{...}` (nested braces allowed). */
export function extractBoxed(text: string): string | null {
  const boxed = text.lastIndexOf("\\boxed");
  const fbox = text.lastIndexOf("\\fbox");
  if (boxed === -1 && fbox === -1) return null;
  let i = boxed > fbox ? boxed + 6 : fbox + 5;
  if (text[i] === "{") {
    const close = matchBrace(text, i);
    return close === -1 ? null : text.slice(i + 1, close);
  }
  if (text[i] !== " ") return null;
  // `\boxed 5`: the argument is the next token.
  while (text[i] === " ") i++;
  if (text[i] === "{") {
    const close = matchBrace(text, i);
    return close === -1 ? null : text.slice(i + 1, close);
  }
  const token = /^[^\s$]+/.exec(text.slice(i, i + 256));
  return token ? token[0] : null;
}

/**
 * The last number in the text: integers, decimals, thousands separators, a sign when it is not
 * a subtraction, a simple fraction (`3/4`, `\frac{3}{4}`) and a trailing percent sign. Covers
 * GSM8K's `#### 42` and answers with no marker at all.
 */
const NUMBER =
  /\\[dt]?frac\{-?\d+\}\{\d+\}|(?<![\w.)\]}])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:\s*\/\s*\d+)?(?:\s*\\?%)?/g;

export function extractLastNumber(text: string): string | null {
  let last: string | null = null;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) last = m[0];
  return last;
}
