/**
 * Sentence splitting with the Punkt algorithm (Kiss & Strunk 2006) as nltk 3.8+ applies a
 * trained model, which is what IFEval's `count_sentences` calls. The decision procedure is
 * Punkt's; the parameters are ours (text/punkt-params.ts), so results agree with nltk except
 * where the trained English model knows an abbreviation or a word's capitalisation habits
 * that we don't.
 *
 * nltk finds candidate boundaries with a regex per sentence-end character and then walks back
 * to the preceding word; here one forward scan does both, remembering the last whitespace, so
 * the work stays linear in the text even for a 100 KB run without spaces.
 */
import {
  ABBREVIATIONS, ORTHO_BEG_LC, ORTHO_LC, ORTHO_MID_UC, ORTHO_UC, SENTENCE_STARTERS, orthoContext,
} from "./punkt-params.js";
import { PY_WS_CLASS, isLower, isPyWhitespace, isUpper } from "./pystr.js";

/** A sentence as [start, end) offsets into the text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// Punkt's word tokenizer: splits punctuation other than periods off words.
const NON_WORD_CHARS = "?!)\";}]*:@'({[";
const NON_WORD = "[?!)\";}\\]*:@'({\\[]";
const WS = `[${PY_WS_CLASS}]`;
const NOT_WS = `[^${PY_WS_CLASS}]`;
const MULTI_CHAR = `(?:-{2,}|\\.{2,}|(?:\\.${WS}){2,}\\.)`;
const WORD_START = "[^(\"`{\\[:;&#*@)}\\]\\-,]";
const WORD_TOKEN = new RegExp(
  `${MULTI_CHAR}|(?=${WORD_START})${NOT_WS}+?(?=${WS}|$|${NON_WORD}|${MULTI_CHAR}|` +
    `,(?=$|${WS}|${NON_WORD}|${MULTI_CHAR}))|${NOT_WS}`,
  "g",
);

const NUMERIC = /^-?[.,]?\p{Nd}[\p{Nd},.-]*\.?$/u;
const INITIAL = /^[\p{L}\p{Nl}\p{No}_]\.$/u;
const ELLIPSIS = /^\.\.+$/;
const PUNCTUATION = new Set([";", ":", ",", ".", "!", "?"]);

interface Token {
  readonly tok: string;
  readonly type: string;
  readonly periodFinal: boolean;
  sentbreak: boolean;
  abbr: boolean;
  ellipsis: boolean;
}

/** Whether `tok` may be a number: NUMERIC needs a digit in its first three characters. */
function mayBeNumber(tok: string): boolean {
  for (let i = 0; i < 3 && i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
    if (c > 0x7f) return true; // non-ASCII digits: let the regex decide
  }
  return false;
}

/** A token with Punkt's first-pass annotation, which looks at the token alone. */
function makeToken(tok: string): Token {
  const lower = tok.toLowerCase();
  const t: Token = {
    tok,
    type: mayBeNumber(tok) && NUMERIC.test(lower) ? "##number##" : lower,
    periodFinal: tok.endsWith("."),
    sentbreak: false,
    abbr: false,
    ellipsis: false,
  };
  if (tok === "." || tok === "?" || tok === "!") {
    t.sentbreak = true;
  } else if (ELLIPSIS.test(tok)) {
    t.ellipsis = true;
  } else if (t.periodFinal && !tok.endsWith("..")) {
    const base = lower.slice(0, -1);
    const lastPart = base.slice(base.lastIndexOf("-") + 1);
    if (ABBREVIATIONS.has(base) || ABBREVIATIONS.has(lastPart)) t.abbr = true;
    else t.sentbreak = true;
  }
  return t;
}

function typeNoPeriod(t: Token): string {
  return t.type.length > 1 && t.type.endsWith(".") ? t.type.slice(0, -1) : t.type;
}

function typeNoSentPeriod(t: Token): string {
  return t.sentbreak ? typeNoPeriod(t) : t.type;
}

/** Python's `tok[0].isupper()`, with an ASCII fast path. */
function firstUpper(t: Token): boolean {
  const c = t.tok.charCodeAt(0);
  if (c < 0x80) return c >= 0x41 && c <= 0x5a;
  return isUpper(String.fromCodePoint(t.tok.codePointAt(0) ?? 0));
}

/** Python's `tok[0].islower()`, with an ASCII fast path. */
function firstLower(t: Token): boolean {
  const c = t.tok.charCodeAt(0);
  if (c < 0x80) return c >= 0x61 && c <= 0x7a;
  return isLower(String.fromCodePoint(t.tok.codePointAt(0) ?? 0));
}

/** `[^\W\d]\.$` on the whole token: one letter (or underscore) and a period. */
function isInitial(tok: string): boolean {
  return tok.length <= 3 && tok.endsWith(".") && INITIAL.test(tok);
}

/** Punkt's orthographic heuristic: does `t` look like the first word of a sentence? */
function orthoHeuristic(t: Token): boolean | "unknown" {
  if (PUNCTUATION.has(t.tok)) return false;
  const ctx = orthoContext(typeNoSentPeriod(t));
  if (firstUpper(t) && (ctx & ORTHO_LC) !== 0 && (ctx & ORTHO_MID_UC) === 0) return true;
  if (firstLower(t) && ((ctx & ORTHO_UC) !== 0 || (ctx & ORTHO_BEG_LC) === 0)) return false;
  return "unknown";
}

/**
 * Punkt's second pass: revise the decision on a period-final `t1` given the next token.
 * `lineStart`: `t1` opens its line, as an outline label ("I. Introduction", "A. First") does.
 * The trained model keeps the break there because the word after such a label is a common
 * word it has seen lowercase; our stand-in context knows only the starters, so it would read
 * every other capitalised word as a name ("J. Bach") and join the label to its line.
 */
function secondPass(t1: Token, t2: Token, lineStart: boolean): void {
  if (!t1.periodFinal) return;
  const initial = isInitial(t1.tok);
  if ((t1.abbr || t1.ellipsis) && !initial) {
    if (orthoHeuristic(t2) === true) {
      t1.sentbreak = true;
      return;
    }
    if (firstUpper(t2) && SENTENCE_STARTERS.has(typeNoSentPeriod(t2))) {
      t1.sentbreak = true;
      return;
    }
  }
  if (initial || typeNoPeriod(t1) === "##number##") {
    const starter = orthoHeuristic(t2);
    const alwaysCapitalised = (orthoContext(typeNoSentPeriod(t2)) & ORTHO_LC) === 0;
    if (starter === false ||
        (starter === "unknown" && initial && !lineStart && firstUpper(t2) && alwaysCapitalised)) {
      t1.sentbreak = false;
      t1.abbr = true;
    }
  }
}

/** Whether a candidate context (the word, then what follows) holds a sentence break. */
function containsSentbreak(words: readonly string[], lineStart: boolean): boolean {
  const tokens = words.map(makeToken);
  let found = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    // An outline label is followed by a word; "J. R. R. Tolkien" by more initials.
    if (next !== undefined) secondPass(t, next, lineStart && i === 0 && !next.periodFinal);
    if (found) return true;
    if (t.sentbreak) found = true;
  }
  return false;
}

function wordTokens(s: string): string[] {
  return s.match(WORD_TOKEN) ?? [];
}

/** ASCII whitespace (Python's `string.whitespace`), which nltk uses to find a candidate's word. */
function isAsciiWhitespace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

interface Candidate {
  /** Offset of the sentence-end character. */
  readonly at: number;
  /** Start of the word before it (nltk's "previous slice"). */
  readonly wordStart: number;
  /** Start of the next token after whitespace, or -1 when a non-word character follows. */
  readonly next: number;
  /** End of the following token or character. */
  readonly afterEnd: number;
}

/**
 * Punkt's `[.?!](?=(NonWord|\s+\S+))` at `p`: the candidate, or undefined. Only the word
 * start is missing; the caller knows it.
 */
function lookahead(text: string, p: number): Omit<Candidate, "wordStart"> | undefined {
  const after = text.charAt(p + 1);
  if (after === "") return undefined;
  if (NON_WORD_CHARS.includes(after)) return { at: p, next: -1, afterEnd: p + 2 };
  if (!isPyWhitespace(text.charCodeAt(p + 1))) return undefined;
  let q = p + 1;
  while (q < text.length && isPyWhitespace(text.charCodeAt(q))) q++;
  if (q === text.length) return undefined;
  let r = q;
  while (r < text.length && !isPyWhitespace(text.charCodeAt(r))) r++;
  return { at: p, next: q, afterEnd: r };
}

/**
 * nltk's `_match_potential_end_contexts`: every candidate, each with the word before it,
 * dropping a candidate when the next one's word reaches back over it (no ASCII whitespace
 * in between). Linear: each stretch of text between candidates is scanned once.
 */
function candidates(text: string): Candidate[] {
  const kept: Candidate[] = [];
  let prev: Candidate | undefined;
  let prevStart = 0;
  let prevStop = 0;
  let lastSpace = -1; // last ASCII whitespace seen before the current position
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (isAsciiWhitespace(c)) lastSpace = p;
    if (c !== 0x2e && c !== 0x3f && c !== 0x21) continue; // . ? !
    const found = lookahead(text, p);
    if (found === undefined) continue;
    // nltk's index of the last whitespace in text[prevStop:p], where index 0 counts as none.
    const wordStart = lastSpace > prevStop ? lastSpace + 1 : prevStart;
    if (prev !== undefined && prevStop <= wordStart) kept.push(prev);
    prev = { at: found.at, next: found.next, afterEnd: found.afterEnd, wordStart };
    prevStart = wordStart;
    prevStop = p;
  }
  if (prev !== undefined) kept.push(prev);
  return kept;
}

/** Only spaces or tabs between the previous line break (or the start) and `at`. */
function opensLine(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return true;
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** The raw Punkt slices: [start, end) pairs before boundary realignment. */
function rawSlices(text: string): Array<[number, number]> {
  const slices: Array<[number, number]> = [];
  let lastBreak = 0;
  for (const m of candidates(text)) {
    const context = text.slice(m.wordStart, m.afterEnd);
    if (!containsSentbreak(wordTokens(context), opensLine(text, m.wordStart))) continue;
    slices.push([lastBreak, m.at + 1]);
    lastBreak = m.next >= 0 ? m.next : m.at + 1;
  }
  // nltk: the last sentence does not include trailing whitespace.
  let end = text.length;
  while (end > 0 && isPyWhitespace(text.charCodeAt(end - 1))) end--;
  slices.push([lastBreak, end]);
  return slices;
}

const CLOSERS = "\"')]}";

/**
 * Punkt's `["')\]}]+?(?:\s+|(?=--)|$)` (multiline) at `start`: closing punctuation that belongs
 * to the previous sentence. Returns how many characters to move back and how many to skip.
 */
function realignment(text: string, start: number, stop: number): [keep: number, skip: number] | undefined {
  let k = start;
  while (k < stop && CLOSERS.includes(text.charAt(k))) {
    k++;
    if (k < stop && isPyWhitespace(text.charCodeAt(k))) {
      let w = k;
      while (w < stop && isPyWhitespace(text.charCodeAt(w))) w++;
      return [k - start, w - start];
    }
    if (k === stop || (k + 2 <= stop && text.startsWith("--", k))) return [k - start, k - start];
  }
  return undefined;
}

/** Sentence spans of `text`, as nltk's `PunktSentenceTokenizer.span_tokenize` gives them. */
export function sentenceSpans(text: string): Span[] {
  const slices = rawSlices(text);
  const spans: Span[] = [];
  let realign = 0;
  for (let i = 0; i < slices.length; i++) {
    const [s0, e0] = slices[i] as [number, number];
    const start = s0 + realign;
    const next = slices[i + 1];
    if (next === undefined) {
      if (start < e0) spans.push({ start, end: e0 });
      break;
    }
    const moved = realignment(text, next[0], next[1]);
    if (moved !== undefined) {
      spans.push({ start, end: next[0] + moved[0] });
      realign = moved[1];
    } else {
      realign = 0;
      if (start < e0) spans.push({ start, end: e0 });
    }
  }
  return spans;
}

/** Number of sentences, IFEval's `count_sentences`. */
export function countSentences(text: string): number {
  return sentenceSpans(text).length;
}
