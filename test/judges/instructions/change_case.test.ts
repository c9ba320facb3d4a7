import { describe, expect, it } from "vitest";
import { countCapitalWords, wordTokenize } from "../../../runtime/judges/instructions/text/treebank.js";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("change_case:capital_word_frequency", () => {
  const id = "change_case:capital_word_frequency";
  it("counts all-caps word tokens the way nltk splits them", () => {
    // I, NASA, DO, N'T, IT, 'S, OK, WELL-KNOWN
    const text = "I think NASA is great. I DON'T care; IT'S OK. A WELL-KNOWN fact!";
    expect(wordTokenize("I DON'T care; IT'S OK.")).toEqual(["I", "DO", "N'T", "care", ";", "IT", "'S", "OK", "."]);
    expect(countCapitalWords(text)).toBe(10);
    expect(outcome(id, { capital_frequency: 10, capital_relation: "at least" }, text)).toEqual(PASS);
    expect(outcome(id, { capital_frequency: 11, capital_relation: "at least" }, text)).toEqual(FAIL);
    expect(outcome(id, { capital_frequency: 11, capital_relation: "less than" }, text)).toEqual(PASS);
  });
  it("loose drops a shouted first line", () => {
    expect(outcome(id, { capital_frequency: 2, capital_relation: "less than" }, "SURE! HERE IT IS:\nno shouting here.")).toEqual(LOOSE_ONLY);
  });
});

describe("change_case:english_capital", () => {
  const id = "change_case:english_capital";
  it("wants English in capital letters", () => {
    expect(outcome(id, {}, "THE SKY IS BLUE AND THE GRASS IS GREEN, 100% OF THE TIME.")).toEqual(PASS);
    expect(outcome(id, {}, "THE SKY IS BLUE AND THE GRASS IS Green.")).toEqual(FAIL);
    expect(outcome(id, {}, "LE CIEL EST BLEU ET L'HERBE EST VERTE TOUTE L'ANNÉE.")).toEqual(FAIL);
  });
  it("loose drops a lowercase preamble", () => {
    expect(outcome(id, {}, "Sure, here it is:\nTHE SKY IS BLUE AND THE GRASS IS GREEN.")).toEqual(LOOSE_ONLY);
  });
});

describe("change_case:english_lowercase", () => {
  const id = "change_case:english_lowercase";
  it("wants English in lowercase letters", () => {
    expect(outcome(id, {}, "the sky is blue and the grass is green, most of the time.")).toEqual(PASS);
    expect(outcome(id, {}, "the sky is blue and I think the grass is green.")).toEqual(FAIL);
    expect(outcome(id, {}, "der himmel ist blau und das gras ist grün, fast immer.")).toEqual(FAIL);
  });
  it("loose drops a capitalised title line", () => {
    expect(outcome(id, {}, "MY ANSWER:\nthe sky is blue and the grass is green today.")).toEqual(LOOSE_ONLY);
  });
});
