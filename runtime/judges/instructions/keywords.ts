/**
 * keywords:* — words that must appear, appear a number of times, must not appear, and letter
 * counts. Matching is case-insensitive as in IFEval. IFEval passes keywords to `re` as
 * patterns; we take them literally (a keyword "C++" would be a regex error there).
 */
import { countOccurrences, pyStrip, pyWordBoundaryPattern } from "./text/pystr.js";
import { compare, countChecker, quote, type InstructionDef } from "./types.js";

/** `keywords:existence` — every keyword occurs (as a substring, any case). */
const existence: InstructionDef = {
  id: "keywords:existence",
  args: ["keywords"],
  summary: "Every keyword appears in the response (case-insensitive substring).",
  compile(args) {
    const keywords = args.textList("keywords");
    const needles = keywords.map((k) => k.toLowerCase());
    const missing = (lower: string) => keywords.filter((_, i) => !lower.includes(needles[i] as string));
    return {
      check: (view) => needles.every((n) => view.lower.includes(n)),
      explain: (view) => `missing keyword(s) ${missing(view.lower).map((k) => quote(k)).join(", ")}`,
    };
  },
};

/** `keywords:frequency` — the keyword occurs `less than` / `at least` `frequency` times. */
const frequency: InstructionDef = {
  id: "keywords:frequency",
  args: ["keyword", "frequency", "relation"],
  summary: "The keyword occurs less than / at least `frequency` times (non-overlapping, any case).",
  compile(args) {
    const keyword = args.text("keyword", { strip: true });
    const threshold = args.integer("frequency");
    const relation = args.relation("relation");
    const needle = keyword.toLowerCase();
    return countChecker(
      `occurrence(s) of ${quote(keyword)}`,
      (view) => (needle === "" ? 0 : countOccurrences(view.lower, needle)),
      relation,
      threshold,
    );
  },
};

/** `keywords:forbidden_words` — none of the words occurs as a whole word. */
const forbiddenWords: InstructionDef = {
  id: "keywords:forbidden_words",
  args: ["forbidden_words"],
  summary: "None of the forbidden words appears as a whole word (case-insensitive).",
  compile(args) {
    const words = [...new Set(args.textList("forbidden_words"))].sort();
    const patterns = words.map(pyWordBoundaryPattern);
    const found = (text: string) => words.filter((_, i) => (patterns[i] as RegExp).test(text));
    return {
      check: (view) => patterns.every((p) => !p.test(view.text)),
      explain: (view) => `contains forbidden word(s) ${found(view.text).map((w) => quote(w)).join(", ")}`,
    };
  },
};

/** `keywords:letter_frequency` — the letter occurs `less than` / `at least` `let_frequency` times. */
const letterFrequency: InstructionDef = {
  id: "keywords:letter_frequency",
  args: ["letter", "let_frequency", "let_relation"],
  summary: "The letter (any case) occurs less than / at least `let_frequency` times.",
  compile(args) {
    const raw = args.text("letter");
    const letter = pyStrip(raw).toLowerCase();
    if (raw !== "" && !/^[a-z]$/.test(letter)) {
      args.error(`argument "letter" must be a single ASCII letter, got ${JSON.stringify(raw)}`);
    }
    const threshold = args.integer("let_frequency");
    const relation = args.relation("let_relation");
    const code = letter.charCodeAt(0);
    const count = (lower: string) => {
      let n = 0;
      for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) === code) n++;
      return n;
    };
    return {
      check: (view) => compare(count(view.lower), relation, threshold),
      explain: (view) => `letter ${quote(letter)} occurs ${count(view.lower)} times, expected ${relation} ${threshold}`,
    };
  },
};

export const keywordInstructions: readonly InstructionDef[] = [existence, frequency, forbiddenWords, letterFrequency];
