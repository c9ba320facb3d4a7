/**
 * length_constraints:* — sentence, word and paragraph counts, and the first word of the n-th
 * paragraph. Two paragraph notions, both IFEval's: `number_paragraphs` splits on the markdown
 * divider `***`, `nth_paragraph_first_word` on a blank line (`\n\n`).
 */
import { PY_S, isBlank, pySplitWhitespace, pyStrip, pyStripChars } from "./text/pystr.js";
import { countChecker, quote, type Checker, type InstructionDef } from "./types.js";
import type { TextView } from "./view.js";

const numberSentences: InstructionDef = {
  id: "length_constraints:number_sentences",
  args: ["num_sentences", "relation"],
  summary: "The response has less than / at least `num_sentences` sentences (Punkt).",
  compile(args) {
    const threshold = args.integer("num_sentences");
    const relation = args.relation("relation");
    return countChecker("sentence(s)", (view) => view.sentenceCount, relation, threshold);
  },
};

const numberWords: InstructionDef = {
  id: "length_constraints:number_words",
  args: ["num_words", "relation"],
  summary: "The response has less than / at least `num_words` words (runs of letters, digits, _).",
  compile(args) {
    const threshold = args.integer("num_words");
    const relation = args.relation("relation");
    return countChecker("word(s)", (view) => view.wordCount, relation, threshold);
  },
};

const DIVIDER = new RegExp(`${PY_S}?\\*\\*\\*${PY_S}?`);

/**
 * Paragraphs between `***` dividers; blank pieces at either end are not paragraphs, a blank
 * piece in the middle (two dividers in a row) makes the count invalid (-1), as in IFEval.
 */
function dividedParagraphs(text: string): number {
  const pieces = text.split(DIVIDER);
  let count = pieces.length;
  for (let i = 0; i < pieces.length; i++) {
    if (!isBlank(pieces[i] as string)) continue;
    if (i === 0 || i === pieces.length - 1) count--;
    else return -1;
  }
  return count;
}

const numberParagraphs: InstructionDef = {
  id: "length_constraints:number_paragraphs",
  args: ["num_paragraphs"],
  summary: "Exactly `num_paragraphs` paragraphs separated by the markdown divider `***`.",
  compile(args) {
    const expected = args.integer("num_paragraphs");
    return {
      check: (view) => dividedParagraphs(view.text) === expected,
      explain: (view) => {
        const n = dividedParagraphs(view.text);
        return n < 0 ? "empty paragraph between `***` dividers" : `${n} paragraph(s), expected ${expected}`;
      },
    };
  },
};

const FIRST_WORD_STOP = new Set([".", ",", "?", "!", "'", '"']);

interface BlankLineParagraphs {
  readonly count: number;
  /** Lowercased first word of the n-th piece, or undefined when it does not exist or is blank. */
  readonly firstWord: string | undefined;
}

/** IFEval's reading of `\n\n` paragraphs and of the n-th one's first word. */
function blankLineParagraphs(text: string, nth: number): BlankLineParagraphs {
  const pieces = text.split("\n\n");
  let count = 0;
  for (const piece of pieces) if (!isBlank(piece)) count++;
  // IFEval indexes the raw pieces (blank ones included) but bounds-checks against the count.
  const piece = nth <= count ? pyStrip(pieces[nth - 1] ?? "") : "";
  if (piece === "") return { count, firstWord: undefined };
  const word = pyStripChars(pyStripChars(pySplitWhitespace(piece)[0] ?? "", "'", "left"), '"', "left");
  let end = 0;
  while (end < word.length && !FIRST_WORD_STOP.has(word.charAt(end))) end++;
  return { count, firstWord: word.slice(0, end).toLowerCase() };
}

const nthParagraphFirstWord: InstructionDef = {
  id: "length_constraints:nth_paragraph_first_word",
  args: ["num_paragraphs", "nth_paragraph", "first_word"],
  summary: "Exactly `num_paragraphs` paragraphs separated by blank lines; paragraph `nth_paragraph` starts with `first_word`.",
  compile(args): Checker {
    const expected = args.integer("num_paragraphs", 1);
    const nth = args.integer("nth_paragraph", 1);
    const firstWord = args.text("first_word").toLowerCase();
    if (args.errors.length === 0 && nth > expected) {
      args.error(`argument "nth_paragraph" (${nth}) must not exceed "num_paragraphs" (${expected})`);
    }
    const follows = (view: TextView) => {
      const p = blankLineParagraphs(view.text, nth);
      return p.count === expected && p.firstWord === firstWord;
    };
    return {
      check: follows,
      explain: (view) => {
        const p = blankLineParagraphs(view.text, nth);
        if (p.count !== expected) return `${p.count} paragraph(s), expected ${expected}`;
        return `paragraph ${nth} starts with ${p.firstWord === undefined ? "nothing" : quote(p.firstWord)}, expected ${quote(firstWord)}`;
      },
    };
  },
};

export const lengthInstructions: readonly InstructionDef[] = [
  numberSentences, numberParagraphs, numberWords, nthParagraphFirstWord,
];
