/**
 * Word tokenization as nltk's `word_tokenize` does it (which IFEval's capital-word count
 * uses): split into sentences with Punkt, then apply the improved Treebank tokenizer's
 * rewrite rules to each sentence and split on whitespace. The rules below restate the
 * `NLTKWordTokenizer` of nltk 3.8 to 3.9 (the releases IFEval has been run with) in
 * JavaScript regex syntax, in nltk's order; where Python's `\w`, `\d` or `\b` are
 * Unicode-aware we use Unicode property classes. Each rule is a single left-to-right pass
 * without nested quantifiers, so tokenizing is linear.
 */
import { sentenceSpans, type Span } from "./punkt.js";
import { isPyWhitespace, isUpper, pySplitWhitespace } from "./pystr.js";

type Rule = readonly [RegExp, string];

const W = "[\\p{L}\\p{N}_]";

const STARTING_QUOTES: readonly Rule[] = [
  [/([«“‘„]|`+)/gu, " $1 "],
  [/^"/u, "``"],
  [/(``)/gu, " $1 "],
  [/([ ([{<])("|'{2})/gu, "$1 `` "],
  [new RegExp(`(')(?!re|ve|ll|m|t|s|d|n)(${W})(?!${W})`, "giu"), "$1 $2"],
];

const PUNCTUATION: readonly Rule[] = [
  [/([^.])(\.)([\])}>"'»”’ ]*)\s*$/u, "$1 $2 $3 "],
  [/([:,])([^\p{Nd}])/gu, " $1 $2"],
  [/([:,])$/u, " $1 "],
  [/\.{2,}/gu, " $& "],
  [/[;@#$%&]/gu, " $& "],
  [/([^.])(\.)([\])}>"']*)\s*$/u, "$1 $2$3 "],
  [/[?!]/gu, " $& "],
  [/([^'])' /gu, "$1 ' "],
  [/\*/gu, " $& "],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/gu, " $& "];
const DOUBLE_DASHES: Rule = [/--/gu, " -- "];

const ENDING_QUOTES: readonly Rule[] = [
  [/([»”’])/gu, " $1 "],
  [/''/gu, " '' "],
  [/"/gu, " '' "],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /gu, "$1 $2 "],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /gu, "$1 $2 "],
];

const CONTRACTIONS: readonly Rule[] = [
  [new RegExp(`(?<!${W})(can)(not)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(d)('ye)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(gim)(me)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(gon)(na)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(got)(ta)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(lem)(me)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(more)('n)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(`(?<!${W})(wan)(na)(?=\\s)`, "giu"), " $1 $2 "],
  [new RegExp(` ('t)(is)(?!${W})`, "giu"), " $1 $2 "],
  [new RegExp(` ('t)(was)(?!${W})`, "giu"), " $1 $2 "],
];

function applyAll(text: string, rules: readonly Rule[]): string {
  let out = text;
  for (const [re, sub] of rules) out = out.replace(re, sub);
  return out;
}

/** nltk's `NLTKWordTokenizer().tokenize(sentence)`. */
export function tokenizeSentence(sentence: string): string[] {
  let text = applyAll(sentence, STARTING_QUOTES);
  text = applyAll(text, PUNCTUATION);
  text = text.replace(PARENS_BRACKETS[0], PARENS_BRACKETS[1]);
  text = text.replace(DOUBLE_DASHES[0], DOUBLE_DASHES[1]);
  text = applyAll(` ${text} `, ENDING_QUOTES);
  text = applyAll(text, CONTRACTIONS);
  return pySplitWhitespace(text);
}

/** nltk's `word_tokenize(text)`: sentences first, then words. */
export function wordTokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const span of sentenceSpans(text)) {
    for (const token of tokenizeSentence(text.slice(span.start, span.end))) tokens.push(token);
  }
  return tokens;
}

const ANY_UPPER = /\p{Uppercase}/u;
/**
 * One run of letters with only uncased symbols around it (`NASA,` `(Mr` `"OK!"`). However the
 * rules split such a chunk, the letters stay in one token and the symbols add no case, so the
 * chunk holds one capital word exactly when its letters are all capitals. Apostrophes, digits
 * and underscores are excluded: they join or split words.
 */
const ONE_LETTER_RUN = /^[^\p{L}\p{N}\p{M}'_’]*(\p{L}+)[^\p{L}\p{N}\p{M}'_’]*$/u;
/** Letter-only words that CONTRACTIONS2 still splits. */
const SPLIT_WORDS = /^(?:cannot|gimme|gonna|gotta|lemme|wanna)$/i;

/** What may follow a sentence's final period for the final-period rule to split it off. */
const AFTER_FINAL_PERIOD = "])}>\"'»”’ ";
const FINAL_TAIL = /^[\])}>"'»”’ ]*\s*$/u;
const JS_SPACE = /\s/;

/**
 * Whether the chunk ending at `b` is the sentence's last word for the final-period rule
 * (`([^.])(\.)([\])}>"'»”’ ]*)\s*$`): only closing brackets, quotes and spaces follow it,
 * as they stand after the starting-quote rules (which turn a `"` after a space into ``).
 */
function isLastWord(text: string, b: number, end: number): boolean {
  for (let k = b; k < end; k++) {
    const ch = text.charAt(k);
    if (!AFTER_FINAL_PERIOD.includes(ch) && !JS_SPACE.test(ch)) return false;
  }
  return FINAL_TAIL.test(applyAll(text.slice(b, end), STARTING_QUOTES));
}

/**
 * All-capital tokens among those that one whitespace-delimited chunk of a sentence becomes.
 * Every rule inserts spaces and looks at most one character beyond the chunk (the final-
 * period rule aside, see isLastWord), so the chunk is tokenized alone, between stand-ins for
 * its neighbours: the real whitespace character next to it and a lowercase letter beyond.
 */
function capitalsInChunk(text: string, a: number, b: number, first: boolean, end: number): number {
  const chunk = text.slice(a, b);
  if (!ANY_UPPER.test(chunk)) return 0;
  const run = ONE_LETTER_RUN.exec(chunk)?.[1];
  if (run !== undefined && !SPLIT_WORDS.test(run)) return isUpper(run) ? 1 : 0;
  const before = first ? "" : `x${text.charAt(a - 1)}`;
  const after = isLastWord(text, b, end) ? "" : `${text.charAt(b)}x`;
  let n = 0;
  for (const token of tokenizeSentence(before + chunk + after)) if (isUpper(token)) n++;
  return n;
}

function capitalsInSentence(text: string, start: number, end: number): number {
  let n = 0;
  let a = -1;
  let mayHaveCapital = false; // an ASCII capital or any non-ASCII character seen in the chunk
  let first = true;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 0x20 : text.charCodeAt(i);
    if (isPyWhitespace(c)) {
      if (a >= 0 && mayHaveCapital) n += capitalsInChunk(text, a, i, first, end);
      if (a >= 0) first = false;
      a = -1;
      continue;
    }
    if (a < 0) [a, mayHaveCapital] = [i, false];
    if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) mayHaveCapital = true;
  }
  return n;
}

/**
 * Number of `word_tokenize` tokens that are all capitals (Python `str.isupper()`), without
 * tokenizing the words that cannot contain one. `spans` supplies the text's sentences when
 * the caller already has them.
 */
export function countCapitalWords(text: string, spans: () => readonly Span[] = () => sentenceSpans(text)): number {
  if (!ANY_UPPER.test(text)) return 0;
  let n = 0;
  for (const span of spans()) n += capitalsInSentence(text, span.start, span.end);
  return n;
}
