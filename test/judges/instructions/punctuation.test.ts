import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, judge, outcome } from "./helpers.js";

describe("punctuation:no_comma", () => {
  const id = "punctuation:no_comma";
  it("forbids ASCII commas only", () => {
    expect(outcome(id, {}, "The sky is blue and the grass is green.")).toEqual(PASS);
    expect(outcome(id, {}, "The sky is blue, and the grass is green.")).toEqual(FAIL);
    expect(outcome(id, {}, "天空是蓝色的，草是绿色的。")).toEqual(PASS);
  });
  it("loose drops a preamble with a comma", () => {
    expect(outcome(id, {}, "Sure, here it is:\nThe sky is blue and the grass is green.")).toEqual(LOOSE_ONLY);
  });
  it("explains how many commas it found", () => {
    expect(judge([{ id }], "a, b, c").detail).toContain("2 comma(s)");
  });
});
