import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("keywords:existence", () => {
  const id = "keywords:existence";
  it("passes when every keyword appears, in any case, even inside a longer word", () => {
    expect(outcome(id, { keywords: ["ocean", "Tide"] }, "The tides of the OCEAN rise twice a day.")).toEqual(PASS);
  });
  it("fails when one keyword is missing", () => {
    expect(outcome(id, { keywords: ["ocean", "moon"] }, "The ocean is deep.")).toEqual(FAIL);
  });
  it("loose forgives markdown emphasis inside a keyword phrase", () => {
    expect(outcome(id, { keywords: ["ocean breeze"] }, "I love the **ocean** breeze in summer.")).toEqual(LOOSE_ONLY);
  });
  it("takes keywords literally, not as regular expressions", () => {
    expect(outcome(id, { keywords: ["C++"] }, "I write C++ daily.")).toEqual(PASS);
    expect(outcome(id, { keywords: ["a.b"] }, "axb")).toEqual(FAIL);
  });
});

describe("keywords:frequency", () => {
  const id = "keywords:frequency";
  it("counts non-overlapping, case-insensitive occurrences", () => {
    const text = "Blue skies, blue seas, and a BLUE whale.";
    expect(outcome(id, { keyword: "blue", frequency: 3, relation: "at least" }, text)).toEqual(PASS);
    expect(outcome(id, { keyword: "blue", frequency: 4, relation: "at least" }, text)).toEqual(FAIL);
    expect(outcome(id, { keyword: "blue", frequency: 4, relation: "less than" }, text)).toEqual(PASS);
    expect(outcome(id, { keyword: "blue", frequency: 3, relation: "less than" }, text)).toEqual(FAIL);
    expect(outcome(id, { keyword: "aa", frequency: 2, relation: "at least" }, "aaa")).toEqual(FAIL);
  });
  it("loose drops a preamble that repeats the keyword", () => {
    const text = "Sure! Here is a short poem about the sea:\nThe sea is calm tonight.";
    expect(outcome(id, { keyword: "sea", frequency: 2, relation: "less than" }, text)).toEqual(LOOSE_ONLY);
  });
  it("loose removes asterisks that split a phrase", () => {
    const text = "The *blue* sky and the blue sky again.";
    expect(outcome(id, { keyword: "blue sky", frequency: 2, relation: "at least" }, text)).toEqual(LOOSE_ONLY);
  });
});

describe("keywords:forbidden_words", () => {
  const id = "keywords:forbidden_words";
  it("matches whole words only, any case", () => {
    expect(outcome(id, { forbidden_words: ["cat"] }, "Concatenation is not a feline.")).toEqual(PASS);
    expect(outcome(id, { forbidden_words: ["cat", "dog"] }, "My DOG sleeps.")).toEqual(FAIL);
    expect(outcome(id, { forbidden_words: ["dog"] }, "A dog's life.")).toEqual(FAIL);
  });
  it("uses Unicode word boundaries, as Python's re does", () => {
    expect(outcome(id, { forbidden_words: ["café"] }, "Le cafés sont fermés.")).toEqual(PASS);
    expect(outcome(id, { forbidden_words: ["café"] }, "Un café, s'il vous plaît.")).toEqual(FAIL);
  });
  it("loose drops a preamble that names the forbidden word", () => {
    const text = "Sure, here is a story without the word dog:\n\nThe cat slept all afternoon.";
    expect(outcome(id, { forbidden_words: ["dog"] }, text)).toEqual(LOOSE_ONLY);
  });
});

describe("keywords:letter_frequency", () => {
  const id = "keywords:letter_frequency";
  it("counts the letter in any case", () => {
    expect(outcome(id, { letter: "e", let_frequency: 4, let_relation: "at least" }, "Eeee")).toEqual(PASS);
    expect(outcome(id, { letter: "E", let_frequency: 5, let_relation: "at least" }, "Eeee")).toEqual(FAIL);
    expect(outcome(id, { letter: "z", let_frequency: 1, let_relation: "less than" }, "No such letter here.")).toEqual(PASS);
    expect(outcome(id, { letter: "z", let_frequency: 1, let_relation: "less than" }, "Zero.")).toEqual(FAIL);
  });
  it("loose drops a first line full of the letter", () => {
    const text = "Zesty, zingy, zany intro:\nA calm reply without it.";
    expect(outcome(id, { letter: "z", let_frequency: 2, let_relation: "less than" }, text)).toEqual(LOOSE_ONLY);
  });
});
