import { describe, expect, it } from "vitest";
import { JudgeConfigError } from "../../../runtime/judges/rules/config-error.js";
import { createLengthJudge, type LengthJudgeConfig } from "../../../runtime/judges/rules/length.js";
import { countCodePoints, countWords } from "../../../runtime/judges/rules/text.js";
import { judge } from "./helpers.js";

const length = (unit: LengthJudgeConfig["unit"], min: number | null, max: number | null) => createLengthJudge("l", { unit, min, max });

describe("length judge", () => {
  it("counts words between inclusive bounds", () => {
    const j = length("words", 3, 5);
    expect(judge(j, "one two three")).toEqual({ status: "satisfied", reason: "length_ok", detail: "3 words" });
    expect(judge(j, "one two three four five")).toEqual({ status: "satisfied", reason: "length_ok", detail: "5 words" });
    expect(judge(j, "one two")).toEqual({ status: "violated", reason: "too_short", detail: "2 words < min 3" });
    expect(judge(j, "a b c d e f")).toEqual({ status: "violated", reason: "too_long", detail: "6 words > max 5" });
  });

  it("counts characters as code points", () => {
    const j = length("chars", null, 3);
    expect(judge(j, "abc").status).toBe("satisfied");
    expect(judge(j, "abcd").status).toBe("violated");
    // Two emoji are two characters, not four UTF-16 units.
    expect(judge(j, "😀😀").status).toBe("satisfied");
  });

  it("accepts a single bound", () => {
    expect(judge(length("words", 2, null), "one").reason).toBe("too_short");
    expect(judge(length("words", null, 1), "one").reason).toBe("length_ok");
  });

  it("handles empty and whitespace-only responses", () => {
    expect(judge(length("words", 1, null), "").reason).toBe("too_short");
    expect(judge(length("words", 1, null), " \n\t ").reason).toBe("too_short");
    expect(judge(length("chars", 0, 0), "").reason).toBe("length_ok");
  });

  it("rejects inconsistent or missing bounds at creation", () => {
    expect(() => length("words", 5, 3)).toThrow(/min \(5\) is greater than max \(3\)/);
    expect(() => length("words", null, null)).toThrow(/set min, max or both/);
    expect(() => length("words", -1, null)).toThrow(JudgeConfigError);
    expect(() => length("words", 1.5, null)).toThrow(/non-negative integer/);
    expect(() => length("lines" as "words", 1, null)).toThrow(/unit: expected one of chars \| words/);
  });
});

describe("counting helpers", () => {
  it.each([
    ["", 0],
    ["one", 1],
    ["  leading and trailing  ", 3],
    ["tabs\tand\nnewlines", 3],
    ["don't state-of-the-art", 2],
    ["non\u00a0breaking\u3000ideographic", 3],
    ["日本語のテキスト", 1],
  ])("countWords(%j) = %i", (text, expected) => {
    expect(countWords(text)).toBe(expected);
  });

  it.each([
    ["", 0],
    ["abc", 3],
    ["é", 1],
    ["😀", 1],
    ["a😀b", 3],
    ["\ud800", 1],
  ])("countCodePoints(%j) = %i", (text, expected) => {
    expect(countCodePoints(text)).toBe(expected);
  });
});
