import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("length_constraints:number_sentences", () => {
  const id = "length_constraints:number_sentences";
  const text = "Mr. Smith visited the U.S. in 2019. He spent $3.50 on coffee, e.g. a latte! Was it good? Yes.";
  it("counts sentences past abbreviations and decimals", () => {
    // Five, as nltk's English model counts: "e.g." ends a sentence there.
    expect(outcome(id, { num_sentences: 5, relation: "at least" }, text)).toEqual(PASS);
    expect(outcome(id, { num_sentences: 6, relation: "at least" }, text)).toEqual(FAIL);
    expect(outcome(id, { num_sentences: 6, relation: "less than" }, text)).toEqual(PASS);
    expect(outcome(id, { num_sentences: 5, relation: "less than" }, text)).toEqual(FAIL);
  });
  it("treats a bulleted list without periods as one sentence, as Punkt does", () => {
    expect(outcome(id, { num_sentences: 2, relation: "less than" }, "* apples\n* pears\n* plums")).toEqual(PASS);
  });
  it("loose drops a chatty first line", () => {
    const reply = "Sure. Here you go. Enjoy!\nThe moon is bright tonight.";
    expect(outcome(id, { num_sentences: 2, relation: "less than" }, reply)).toEqual(LOOSE_ONLY);
  });
});

describe("length_constraints:number_words", () => {
  const id = "length_constraints:number_words";
  it("counts runs of letters, digits and underscores", () => {
    const text = "State-of-the-art models don't cost $3.50 (usually).";
    // State of the art models don t cost 3 50 usually -> 11
    expect(outcome(id, { num_words: 11, relation: "at least" }, text)).toEqual(PASS);
    expect(outcome(id, { num_words: 12, relation: "at least" }, text)).toEqual(FAIL);
    expect(outcome(id, { num_words: 12, relation: "less than" }, text)).toEqual(PASS);
    expect(outcome(id, { num_words: 11, relation: "less than" }, text)).toEqual(FAIL);
  });
  it("counts words in other scripts", () => {
    expect(outcome(id, { num_words: 3, relation: "at least" }, "Привет, как дела?")).toEqual(PASS);
  });
  it("loose drops a preamble that pushes the count over", () => {
    const reply = "Sure, here is a very short answer for you:\nShort answer.";
    expect(outcome(id, { num_words: 10, relation: "less than" }, reply)).toEqual(LOOSE_ONLY);
  });
});

describe("length_constraints:number_paragraphs", () => {
  const id = "length_constraints:number_paragraphs";
  it("counts paragraphs between *** dividers", () => {
    const text = "First paragraph about tea.\n\n***\n\nSecond paragraph about coffee.\n\n***\n\nThird paragraph.";
    expect(outcome(id, { num_paragraphs: 3 }, text)).toEqual(PASS);
    expect(outcome(id, { num_paragraphs: 4 }, text)).toEqual(FAIL);
    expect(outcome(id, { num_paragraphs: 1 }, "One paragraph.\n\nStill one: blank lines do not count.")).toEqual(PASS);
  });
  it("ignores a divider at either end but rejects two in a row", () => {
    expect(outcome(id, { num_paragraphs: 2 }, "***\nA.\n***\nB.\n***")).toEqual(PASS);
    expect(outcome(id, { num_paragraphs: 2 }, "A.\n***\n***\nB.")).toEqual(FAIL);
  });
  it("loose drops an introduction line", () => {
    expect(outcome(id, { num_paragraphs: 2 }, "Here are two paragraphs:\n***\nFirst.\n***\nSecond.")).toEqual(LOOSE_ONLY);
  });
});

describe("length_constraints:nth_paragraph_first_word", () => {
  const id = "length_constraints:nth_paragraph_first_word";
  const text = "Summer is warm.\n\n\"Winter,\" she said, \"is cold.\"\n\nSpring follows.";
  it("checks the paragraph count and the n-th paragraph's first word", () => {
    expect(outcome(id, { num_paragraphs: 3, nth_paragraph: 2, first_word: "winter" }, text)).toEqual(PASS);
    expect(outcome(id, { num_paragraphs: 3, nth_paragraph: 1, first_word: "Summer" }, text)).toEqual(PASS);
    expect(outcome(id, { num_paragraphs: 3, nth_paragraph: 3, first_word: "winter" }, text)).toEqual(FAIL);
    expect(outcome(id, { num_paragraphs: 4, nth_paragraph: 2, first_word: "winter" }, text)).toEqual(FAIL);
  });
  it("loose removes markdown around the first word", () => {
    const reply = "**Summer** is warm.\n\nWinter is cold.";
    expect(outcome(id, { num_paragraphs: 2, nth_paragraph: 1, first_word: "summer" }, reply)).toEqual(LOOSE_ONLY);
  });
  it("rejects nth_paragraph beyond num_paragraphs", () => {
    expect(outcome(id, { num_paragraphs: 2, nth_paragraph: 3, first_word: "x" }, text).strict).toBe("error");
  });
});
