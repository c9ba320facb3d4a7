/**
 * Answer extraction from a model response. Each strategy returns the raw answer text (LaTeX
 * and all) or null; the judge tries them in the recipe's declared order and uses the first
 * that finds something, so a response cannot win by offering several answers.
 *
 * Soundness rule: a strategy returns only what the response states as its answer. Where a
 * response states several values together (`\boxed{3}, \boxed{5}`, `$x = 1$ or $x = 2$`), they
 * are returned together as one list, which never equals a single value: a hedge cannot pass.
 */

import { matchBrace } from "./braces.js";
import { mathSpans, type Span } from "./spans.js";

export type ExtractStrategy = "final_answer" | "boxed" | "last_math" | "last_number";

export const EXTRACT_STRATEGIES: readonly ExtractStrategy[] = ["final_answer", "boxed", "last_math", "last_number"];

/** The plan's default: `last_number` is sound only for bare-number tasks, so it is opt-in. */
export const DEFAULT_EXTRACT: readonly ExtractStrategy[] = ["final_answer", "boxed", "last_math"];

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
  last_math: extractLastMath,
  last_number: extractLastNumber,
};

/** "final answer is", "Final Answer:", or a "**Final Answer**" heading line. */
const FINAL = /final\s+answer\b/gi;
const FINAL_TAIL = /^\s*(?:is\b|:)\s*:?/i;
/** GSM8K's `#### 42` at the start of a line. */
const HASHES = /^[ \t]*####/gm;

/** Lines longer than this are not answers; the cap also keeps the span search linear. */
const MAX_LINE_CHARS = 2048;

/**
 * The paper's format: "The final answer is X" (also "Final Answer: The final answer is $X$.
 * I hope it is correct.", "Final answer: X", "#### X"); not "the answer is X" (the paper counts
 * a correct answer in another format as a violation, since that also teaches the format). Takes the last
 * occurrence; X is read by answerInSentence (boxes, then math spans, then the sentence).
 */
export function extractFinalAnswer(text: string): string | null {
  let after = lastPhraseEnd(text);
  if (text.includes("####")) {
    HASHES.lastIndex = 0;
    for (let m = HASHES.exec(text); m !== null; m = HASHES.exec(text)) after = Math.max(after ?? -1, m.index + m[0].length);
  }
  return after === null ? null : answerAfter(text, after);
}

/** End of the last "final answer" phrase that is followed by "is" or ":", or is a heading. */
function lastPhraseEnd(text: string): number | null {
  let after: number | null = null;
  FINAL.lastIndex = 0;
  for (let m = FINAL.exec(text); m !== null; m = FINAL.exec(text)) {
    const end = m.index + m[0].length;
    const tail = FINAL_TAIL.exec(text.slice(end, end + 16));
    if (tail !== null) after = end + tail[0].length;
    else if (isHeading(text, m.index, end)) after = end;
  }
  return after;
}

/** `**Final Answer**`, `## Final Answer:`: nothing but `#`, `*`, `:` and spaces on the line. */
function isHeading(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", end);
  return /^[ \t#*]*$/.test(text.slice(lineStart, start)) && /^[ \t*:]*$/.test(text.slice(end, lineEnd === -1 ? text.length : lineEnd));
}

/** The rest of the line after the phrase (plus following lines of an open display), trimmed. */
function answerAfter(text: string, start: number): string | null {
  let end = text.indexOf("\n", start);
  let line = text.slice(start, end === -1 ? text.length : end).trim();
  // "The final answer is\n$$\nX\n$$": read on while the line is empty or a display is open.
  for (let extra = 0; extra < 4 && end !== -1 && (line === "" || line === "**" || openDisplay(line)); extra++) {
    const next = text.indexOf("\n", end + 1);
    line = `${line} ${text.slice(end + 1, next === -1 ? text.length : next).trim()}`.trim();
    end = next;
  }
  line = line.slice(0, MAX_LINE_CHARS).replace(/\s*i hope it is correct\.?\s*$/i, "");
  return answerInSentence(line);
}

/**
 * The answer in the sentence after a final-answer phrase: its boxes; else its first math span
 * and the spans joined to it by connectives; else the sentence itself without a lead-in ("the
 * answer is"); and when that is prose ("There are 12 eggs left"), its one number if it has
 * exactly one and the number stands alone. The sentence ends at a period followed by a space,
 * outside math.
 */
export function answerInSentence(raw: string): string | null {
  const line = raw.replace(/^[\s*:]+/, "");
  const spans = mathSpans(line);
  const sentence = line.slice(0, sentenceEnd(line, spans)).replace(/[\s*]+$/, "");
  if (/\\(?:boxed|fbox)/.test(sentence)) {
    const boxed = extractBoxed(sentence);
    if (boxed !== null) return boxed;
  }
  const inside = spans.filter((span) => span.start < sentence.length);
  if (inside.length > 0) {
    const group: Span[] = [inside[0] as Span];
    for (const span of inside.slice(1)) {
      if (!joinsAnswers(line.slice((group[group.length - 1] as Span).end, span.start))) break;
      group.push(span);
    }
    return joinGroup(group);
  }
  const bare = sentence.replace(LEAD_IN, "").trim();
  if (bare === "") return null;
  return isProse(bare) ? soleNumber(bare) ?? bare : bare;
}

const LEAD_IN = /^(?:(?:so|thus|therefore|hence),?\s+)?(?:the\s+)?(?:(?:final\s+)?answer\s+is\s*:?|is\s*:?)\s*/i;

/** End of the first sentence: a period followed by a space or the end, outside math spans. */
function sentenceEnd(line: string, spans: readonly Span[]): number {
  const stop = /\.(?:\s|$)/g;
  for (let m = stop.exec(line); m !== null; m = stop.exec(line)) {
    const at = m.index;
    if (!spans.some((span) => span.start < at && at < span.end)) return at;
  }
  return line.length;
}

/** Three or more words of letters: a sentence, not an answer with a unit. */
function isProse(text: string): boolean {
  return (text.match(/[a-zA-Z]{2,}/g) ?? []).length >= 3;
}

/** A number under a negation or a bound ("not 12", "at least 12") is not the answer. */
const QUALIFIED = /\b(?:not|no|never|cannot|isn't|aren't|at\s+(?:least|most)|(?:more|less|fewer|greater|other)\s+than|up\s+to|approximately|about|around|nearly|almost)\b|n't\b/i;

function soleNumber(text: string): string | null {
  if (QUALIFIED.test(text)) return null;
  NUMBER.lastIndex = 0;
  const all = [...text.matchAll(NUMBER)];
  if (all.length !== 1) return null;
  return standaloneNumber(text, all[0] as RegExpExecArray);
}

function openDisplay(line: string): boolean {
  return line.split("$$").length % 2 === 0 || (line.includes("\\[") && !line.includes("\\]"));
}

/**
 * The last `\boxed{...}` or `\fbox{...}` (nested braces allowed); when the boxes just before it
 * are joined to it only by connectives (`\boxed{3}, \boxed{5}`, `$x=\boxed{1}$ and
 * $y=\boxed{2}$`), all of them as one list. Identical boxes count once (a restated answer).
 */
export function extractBoxed(text: string): string | null {
  const boxes = findBoxes(text);
  const last = boxes[boxes.length - 1];
  if (last === undefined || last.text === null) return null;
  if (boxes.length === 1) return last.text.trim() === "" ? null : last.text;
  const group: Span[] = [last as Span];
  for (let i = boxes.length - 2; i >= 0; i--) {
    const box = boxes[i] as Box;
    const between = text.slice(box.end, (group[0] as Span).start);
    if (box.text === null || !joinsAnswers(between)) break;
    group.unshift(box as Span);
  }
  return joinGroup(labelled(text, group));
}

const LABEL_BEFORE = /(?:^|[^a-zA-Z\\])([a-zA-Z](?:_\{?\w+\}?)?)\s*=\s*\$?\s*$/;

/**
 * `$x = \boxed{3}$, $y = \boxed{-1}$`: when every box of a group has a variable label just
 * before it, the labels go with the answers (so distinct labels make a tuple).
 */
function labelled(text: string, group: readonly Span[]): Span[] {
  if (group.length < 2) return [...group];
  const labels = group.map((span) => LABEL_BEFORE.exec(text.slice(Math.max(0, span.start - 16), span.start))?.[1]);
  if (labels.some((label) => label === undefined)) return [...group];
  return group.map((span, i) => ({ ...span, text: `${labels[i] as string} = ${span.text}` }));
}

interface Box {
  readonly start: number;
  readonly end: number;
  readonly text: string | null;
}

/**
 * The last box and the boxes just before it, right to left: each earlier box is looked up with
 * lastIndexOf and kept only while it ends within a connective's reach of the group, so the
 * work does not grow with the number of boxes in the response.
 */
const MAX_BOXES = 64;

function findBoxes(text: string): Box[] {
  const found: Box[] = [];
  let before = text.length;
  while (found.length < MAX_BOXES) {
    // After the first box, an earlier one can only matter if it could end near the group.
    const floor = found.length === 0 ? 0 : Math.max(0, before - GROUP_WINDOW);
    const start = lastBoxStart(text, floor, before);
    if (start === -1) break;
    const box = readBox(text, start, start + (text.startsWith("\\boxed", start) ? 6 : 5));
    const first = found[0];
    // A box nested in the next one, or one too far before it, ends the group.
    if (first !== undefined && (box.end > first.start || first.start - box.end > MAX_CONNECTIVE_CHARS)) {
      found.unshift(box);
      break;
    }
    found.unshift(box);
    before = start;
    // Another member of the group would end (with `}`) just before this one.
    const near = text.slice(Math.max(0, start - MAX_CONNECTIVE_CHARS - 1), start);
    if (!near.includes("}")) break;
  }
  return found;
}

/** A box longer than an answer may be, plus the connective: the farthest a group member starts. */
const GROUP_WINDOW = 1100;

/** Start of the last `\boxed` or `\fbox` in text[floor, before), or -1; one backward scan. */
function lastBoxStart(text: string, floor: number, before: number): number {
  const window = floor === 0 && before === text.length ? text : text.slice(floor, before);
  const boxed = window.lastIndexOf("\\boxed");
  const fbox = window.lastIndexOf("\\fbox");
  const at = Math.max(boxed, fbox);
  return at === -1 ? -1 : floor + at;
}

function readBox(text: string, start: number, after: number): Box {
  let i = after;
  if (text[i] !== "{" && text[i] !== " ") return { start, end: i, text: null };
  while (text[i] === " ") i++;
  if (text[i] === "{") {
    const close = matchBrace(text, i);
    return close === -1 ? { start, end: text.length, text: null } : { start, end: close + 1, text: text.slice(i + 1, close) };
  }
  if (i === after) return { start, end: i, text: null };
  // `\boxed 5`: the argument is the next token.
  const token = /^[^\s$]+/.exec(text.slice(i, i + 256));
  return token ? { start, end: i + token[0].length, text: token[0] } : { start, end: i, text: null };
}

/**
 * What may stand between two answers of one statement: spaces, commas, semicolons, `$` and
 * math delimiters, "and"/"or", `\quad`, `\text{ and }`, and a variable label (`y =`).
 */
const CONNECTIVE =
  /^(?:\s|\$|\\[()[\]]|[,;&]|\\\\|\band\b|\bor\b|\\q?quad\b|\\text\{\s*(?:and|or|,)?\s*\}|\(?[a-zA-Z](?:_\{?\w+\}?)?\)?\s*=)*$/i;
const MAX_CONNECTIVE_CHARS = 40;

export function joinsAnswers(between: string): boolean {
  return between.length <= MAX_CONNECTIVE_CHARS && CONNECTIVE.test(between);
}

/** A group of answers as one list (duplicates once), or the single answer. */
export function joinGroup(group: readonly Span[]): string | null {
  const texts = [...new Set(group.map((span) => span.text.trim()).filter((t) => t !== ""))];
  if (texts.length === 0) return null;
  return texts.length === 1 ? (texts[0] as string) : texts.join(", ");
}

/**
 * The last math span (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) of the response, with the spans just
 * before it that are joined to it by connectives only ("$x = 1$ or $x = 2$"). An answer
 * written only in math mode, with no box and no final-answer line, is found here.
 */
export function extractLastMath(text: string): string | null {
  const spans = mathSpans(text);
  const last = spans[spans.length - 1];
  if (last === undefined) return null;
  const group: Span[] = [last];
  for (let i = spans.length - 2; i >= 0; i--) {
    const span = spans[i] as Span;
    if (!joinsAnswers(text.slice(span.end, (group[0] as Span).start))) break;
    group.unshift(span);
  }
  return joinGroup(group);
}

/**
 * The last number in the text, only when it stands alone: a number that is part of an
 * expression (`x^2`, `\sqrt{5}`, `10-3`, `\frac{1+\sqrt5}{2}`, `2x`) or one item of a list
 * ("1, 2, 3", "2 or 3") is not an answer the response states, so nothing is found (an earlier
 * number is not consulted either). Covers GSM8K's `#### 42` and bare-number answers.
 */
const NUMBER =
  /\\[dt]?frac\{-?\d+\}\{\d+\}|(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:\s*\/\s*\d+)?(?:\s*\\?%)?/g;

export function extractLastNumber(text: string): string | null {
  let last: RegExpExecArray | null = null;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) last = m;
  return last === null ? null : standaloneNumber(text, last);
}

function standaloneNumber(text: string, last: RegExpExecArray): string | null {
  const start = last.index;
  const end = start + last[0].length;
  const sign = signBefore(text, start);
  if (sign === null || !standsAlone(text, sign, end)) return null;
  return text.slice(sign, end).replace(/^-\s+/, "-");
}

/** Start of the number including a sign minus; null when a `-` before it is a subtraction. */
function signBefore(text: string, start: number): number | null {
  let i = start - 1;
  while (i >= 0 && text[i] === " ") i--;
  if (text[i] !== "-" && text[i] !== "\u2212") return start;
  let j = i - 1;
  while (j >= 0 && text[j] === " ") j--;
  // An operand before the minus makes it a subtraction: the number is part of an expression.
  // A word ("is -7") is not an operand; a digit, a bracket or a one-letter variable is.
  const prev = text[j] ?? "";
  const operand = /[\d)\]}.!]/.test(prev) || (/[a-zA-Z]/.test(prev) && !/[a-zA-Z]/.test(text[j - 1] ?? ""));
  return j >= 0 && operand ? null : i;
}

/** Words that make a number one item of several, or one operand of an operation. */
const JOINING_WORDS = /(?:\b(?:and|or|to|plus|minus|times|over|from|between)|\\pm|\\mp|\\cdot|\\times|\\div|\\sqrt|\\frac)\s*$/i;
/** Commands a bare number may sit inside: `\boxed{5}`, `\text{5}`. */
const WRAPPING_COMMAND = /\\(?:boxed|fbox|text|textbf|mathbf|mathrm)\s*\{$/;

function standsAlone(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 24), start);
  const after = text.slice(end, end + 24);
  if (/[\w.\\^_/*+\u00d7\u00b7]$/.test(before) || JOINING_WORDS.test(before)) return false;
  // After a command (`\log 8`, `\sin 2`) the number is its argument.
  if (/\\[a-zA-Z]+\s*$/.test(before)) return false;
  if (/\{$/.test(before) && !WRAPPING_COMMAND.test(before)) return false;
  if (/[\d,]\s*,\s*$/.test(before) || /\d\s*;\s*$/.test(before)) return false;
  if (/^\(|^\s*(?:[\^!/*+\u00d7\u00b7]|-\s*[\w\\(]|\\(?:sqrt|pi|cdot|times|frac|div))/.test(after)) return false;
  if (/^\p{L}/u.test(after) || /^\s*,\s*-?\d/.test(after) || /^\s*(?:and|or)\s+-?\d/i.test(after)) return false;
  // A closing brace must belong to a wrapper opened right before the number.
  if (/^\s*\}/.test(after) && !WRAPPING_COMMAND.test(before)) return false;
  return true;
}
