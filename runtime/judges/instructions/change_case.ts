/**
 * change_case:* — how many all-capital words, and an English response in all capitals or all
 * lowercase. "All capitals" is Python's `str.isupper()`: at least one cased letter and no
 * lowercase one, so digits and punctuation are neutral and "I" is a capital word.
 */
import { isLower, isUpper } from "./text/pystr.js";
import { countChecker, type InstructionDef } from "./types.js";

const capitalWordFrequency: InstructionDef = {
  id: "change_case:capital_word_frequency",
  args: ["capital_frequency", "capital_relation"],
  summary: "Words in all capitals (nltk word tokens) occur less than / at least `capital_frequency` times.",
  compile(args) {
    const threshold = args.integer("capital_frequency");
    const relation = args.relation("capital_relation");
    return countChecker("all-capital word(s)", (view) => view.capitalWordCount, relation, threshold);
  },
};

const englishCapital: InstructionDef = {
  id: "change_case:english_capital",
  args: [],
  summary: "The entire response is in English and in capital letters.",
  compile: () => ({
    check: (view) => isUpper(view.text) && view.isInLanguage("en"),
    explain: (view) => (isUpper(view.text) ? "response is not in English" : "response has lowercase letters"),
  }),
};

const englishLowercase: InstructionDef = {
  id: "change_case:english_lowercase",
  args: [],
  summary: "The entire response is in English and in lowercase letters.",
  compile: () => ({
    check: (view) => isLower(view.text) && view.isInLanguage("en"),
    explain: (view) => (isLower(view.text) ? "response is not in English" : "response has capital letters"),
  }),
};

export const changeCaseInstructions: readonly InstructionDef[] = [
  capitalWordFrequency, englishCapital, englishLowercase,
];
