/**
 * The text primitives against nltk. Expected values were produced by nltk 3.8's
 * PunktSentenceTokenizer (given this module's parameters) and word_tokenize.
 */
import { describe, expect, it } from "vitest";
import { parsePythonJson } from "../../../runtime/judges/instructions/json.js";
import { countSentences, sentenceSpans } from "../../../runtime/judges/instructions/text/punkt.js";
import { isLower, isUpper, pySplitWhitespace, pyStrip, pyWordBoundaryPattern } from "../../../runtime/judges/instructions/text/pystr.js";
import { countCapitalWords, wordTokenize } from "../../../runtime/judges/instructions/text/treebank.js";
import { countWords } from "../../../runtime/judges/instructions/text/words.js";

const sentences = (text: string) => sentenceSpans(text).map((s) => text.slice(s.start, s.end));

describe("Punkt sentence splitting", () => {
  it.each([
    ["Mr. Smith went to Washington. He saw the U.S. Capitol. It was big.",
      ["Mr. Smith went to Washington.", "He saw the U.S. Capitol.", "It was big."]],
    ["The price rose 3.5% in 2023, e.g. in Q1. However, it fell later... It recovered!",
      ["The price rose 3.5% in 2023, e.g.", "in Q1.", "However, it fell later...", "It recovered!"]],
    // nltk's trained English model has no `e.g`, `i.e` or `etc` among its abbreviations: each
    // ends a sentence, whatever follows.
    ["Use a citrus fruit, i.e. a lemon. Squeeze it.", ["Use a citrus fruit, i.e.", "a lemon.", "Squeeze it."]],
    ["Buy apples, pears, etc. and bring them home.", ["Buy apples, pears, etc.", "and bring them home."]],
    ["Bring snacks, etc. The party starts at noon.", ["Bring snacks, etc.", "The party starts at noon."]],
    // Outline labels: "I." and "A." are not abbreviations there, and the heading after them is a
    // word it has seen lowercase, so the label is a sentence of its own.
    ["I. Introduction\nThis part sets the scene.\nII. Methods\nWe measured it.",
      ["I.", "Introduction\nThis part sets the scene.", "II.", "Methods\nWe measured it."]],
    ["A. First step\nB. Second step", ["A.", "First step\nB.", "Second step"]],
    // "C." is one of the single letters the model lists as abbreviations: no break after it.
    ["C. Third step", ["C. Third step"]],
    ["The letter is a. Then b follows.", ["The letter is a.", "Then b follows."]],
    ["J. R. R. Tolkien wrote books. The Hobbit is one.", ["J. R. R. Tolkien wrote books.", "The Hobbit is one."]],
    ["1. Buy milk.\n2. Walk the dog.\n3. call mom.", ["1.", "Buy milk.", "2.", "Walk the dog.", "3. call mom."]],
    ['He said "Stop." Then he left. (Really.) OK?', ['He said "Stop."', "Then he left.", "(Really.)", "OK?"]],
    ["Wait... what? No way!! Really?!", ["Wait... what?", "No way!!", "Really?", "!"]],
    ["Visit www.example.com today. Prices start at $9.99. See Fig. 3 for details.",
      ["Visit www.example.com today.", "Prices start at $9.99.", "See Fig.", "3 for details."]],
    ["Title Without Period\n\nFirst paragraph here. Second sentence.\n\n* bullet one\n* bullet two",
      ["Title Without Period\n\nFirst paragraph here.", "Second sentence.", "* bullet one\n* bullet two"]],
  ])("splits %j as nltk does", (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it("finds no sentence in blank text", () => {
    expect(countSentences("")).toBe(0);
    expect(countSentences("   \n ")).toBe(0);
  });
});

describe("nltk word_tokenize", () => {
  it.each([
    ["I DON'T know, but IT'S \"great\" (really) -- OK? Cannot stop; gonna go.",
      ["I", "DO", "N'T", "know", ",", "but", "IT", "'S", "``", "great", "''", "(", "really", ")", "--", "OK", "?", "Can", "not", "stop", ";", "gon", "na", "go", "."]],
    ["NASA's rover cost $2.5B in 2012. The U.S. team's goal: Mars!",
      ["NASA", "'s", "rover", "cost", "$", "2.5B", "in", "2012", ".", "The", "U.S.", "team", "'s", "goal", ":", "Mars", "!"]],
    ["'Hello,' she said. \"Bye!\"", ["'Hello", ",", "'", "she", "said", ".", "``", "Bye", "!", "''"]],
  ])("tokenizes %j", (text, expected) => {
    expect(wordTokenize(text)).toEqual(expected);
  });
});

describe("capital word count", () => {
  // countCapitalWords tokenizes only the chunks that can hold a capital word; it must agree
  // with counting over the full word_tokenize output.
  const PIECES = [
    "NASA", "U.S.", "Mr.", "I", "DON'T", "IT'S", "NASA's", "CANNOT", "GONNA", "WANNA.", "(NASA)", "*OK*",
    "\"Hi\"", "'A'", "--", "...", ".", ",", "!", "?", "}", ")", "]", "\n", " ", "\u00a0", "ok", "the", "É", "ÉCOLE",
    "WELL-KNOWN", "A.I.", "e.g.", "x_y", "3.5", ":", ";", "``", "''", "’", "OK’S",
  ];
  it("agrees with counting over word_tokenize on generated text", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 1500; k++) {
      let text = "";
      for (let i = Math.floor(rand() * 25); i > 0; i--) text += PIECES[Math.floor(rand() * PIECES.length)] + (rand() < 0.6 ? " " : "");
      expect(countCapitalWords(text), JSON.stringify(text)).toBe(wordTokenize(text).filter(isUpper).length);
    }
  });
  it("splits a final period across closing brackets, as nltk does", () => {
    expect(wordTokenize("```json WANNA. }")).toEqual(["``", "`", "json", "WAN", "NA", ".", "}"]);
    expect(countCapitalWords("```json WANNA. }")).toBe(2);
  });
});

describe("word counting (\\w+ runs)", () => {
  it("counts like nltk's RegexpTokenizer(r'\\w+')", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("Hello, world!")).toBe(2);
    expect(countWords("e-mail snake_case 3.14 don't")).toBe(7);
    expect(countWords("naïve café Ärger")).toBe(3);
    expect(countWords("日本語の文章")).toBe(1);
    expect(countWords("𝒳 𝒴")).toBe(2);
  });
});

describe("Python string semantics", () => {
  it("strips and splits on Python whitespace", () => {
    expect(pyStrip("\u001c\u0085 a b \u3000")).toBe("a b");
    expect(pyStrip("\ufeffa")).toBe("\ufeffa");
    expect(pySplitWhitespace("  a\tb\u00a0c  ")).toEqual(["a", "b", "c"]);
  });
  it("tests case like str.isupper / str.islower", () => {
    expect(isUpper("HELLO, WORLD 42!")).toBe(true);
    expect(isUpper("HELLO ǅ")).toBe(false);
    expect(isUpper("123")).toBe(false);
    expect(isLower("straße 42")).toBe(true);
    expect(isLower("ßX")).toBe(false);
  });
  it("builds Python \\b boundaries around non-word characters", () => {
    expect(pyWordBoundaryPattern("$5").test("costs $5 today")).toBe(false); // \b before $ needs a word char
    expect(pyWordBoundaryPattern("$5").test("a$5 b")).toBe(true);
    expect(pyWordBoundaryPattern("über").test("Über alles")).toBe(true);
    expect(pyWordBoundaryPattern("über").test("xüber")).toBe(false);
  });
});

describe("json.loads compatibility", () => {
  it.each([
    ['{"a": [1, 2.5, null, true]}', true],
    ["  [1, 2]  ", true],
    ['"just a string"', true],
    ["42", true],
    ['{"x": NaN, "y": -Infinity, "z": Infinity}', true],
    ['{"x": "NaN"}', true],
    ['{"x": -NaN}', false],
    ['{"x": NaNa}', false],
    ["{'a': 1}", false],
    ['{"a": 1,}', false],
    ["", false],
  ])("%j → %s", (text, ok) => {
    expect(parsePythonJson(text)).toBe(ok);
  });
});
