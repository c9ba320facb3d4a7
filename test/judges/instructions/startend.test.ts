import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("startend:end_checker", () => {
  const id = "startend:end_checker";
  const end = "Is there anything else I can help with?";
  it("wants the exact closing phrase, ignoring case, whitespace and wrapping quotes", () => {
    expect(outcome(id, { end_phrase: end }, `The capital of France is Paris. ${end}`)).toEqual(PASS);
    expect(outcome(id, { end_phrase: end }, `"Paris. is there anything else I can help with?"\n`)).toEqual(PASS);
    expect(outcome(id, { end_phrase: end }, `${end} Paris.`)).toEqual(FAIL);
  });
  it("loose drops a trailing note after the phrase", () => {
    expect(outcome(id, { end_phrase: end }, `Paris.\n${end}\n(Word count: 3)`)).toEqual(LOOSE_ONLY);
  });
});

describe("startend:quotation", () => {
  const id = "startend:quotation";
  it("wants the whole response in double quotes", () => {
    expect(outcome(id, {}, '  "The sky is blue today."  ')).toEqual(PASS);
    expect(outcome(id, {}, "'The sky is blue today.'")).toEqual(FAIL);
    expect(outcome(id, {}, '"')).toEqual(FAIL);
    expect(outcome(id, {}, '"The sky" is blue.')).toEqual(FAIL);
  });
  it("loose drops an introduction before the quote", () => {
    expect(outcome(id, {}, 'Here is my answer:\n"The sky is blue."')).toEqual(LOOSE_ONLY);
  });
});
