import { describe, expect, it } from "vitest";
import { JudgeConfigError } from "../../../runtime/judges/rules/config-error.js";
import { createRegexJudge, REGEX_MAX_INPUT_CHARS, regexProblem } from "../../../runtime/judges/rules/regex.js";
import { findNestedQuantifier } from "../../../compiler/check/rules/support/regexSafety.js";
import { judge } from "./helpers.js";

const regex = (pattern: string, flags = "", expect: "match" | "no_match" = "match") =>
  createRegexJudge("r", { pattern, flags, expect });

describe("regex judge", () => {
  it("is satisfied when the pattern matches and a match is expected", () => {
    expect(judge(regex("^Answer: \\d+$", "m"), "Work...\nAnswer: 42\n")).toEqual({ status: "satisfied", reason: "pattern_matched" });
  });

  it("is violated when the pattern does not match", () => {
    expect(judge(regex("^Answer: \\d+$", "m"), "I think 42")).toEqual({ status: "violated", reason: "pattern_not_matched" });
  });

  it("inverts with expect = no_match and shows what matched", () => {
    const j = regex("as an ai (language )?model", "i", "no_match");
    expect(judge(j, "Sure, here it is.")).toEqual({ status: "satisfied", reason: "pattern_not_matched" });
    expect(judge(j, "As an AI language model, I cannot")).toEqual({
      status: "violated",
      reason: "pattern_matched",
      detail: 'matched "As an AI language model"',
    });
  });

  it("honours flags (i, s, u)", () => {
    expect(judge(regex("hello", "i"), "HELLO").status).toBe("satisfied");
    expect(judge(regex("hello"), "HELLO").status).toBe("violated");
    expect(judge(regex("a.b", "s"), "a\nb").status).toBe("satisfied");
    expect(judge(regex("^\\p{Lu}", "u"), "Émile").status).toBe("satisfied");
  });

  it("is deterministic across calls (no lastIndex state)", () => {
    const j = regex("x");
    for (let i = 0; i < 5; i++) expect(judge(j, "x").status).toBe("satisfied");
  });

  it("matches an empty response against patterns that allow it", () => {
    expect(judge(regex("^$"), "").status).toBe("satisfied");
    expect(judge(regex("."), "").status).toBe("violated");
  });

  it("refuses responses over the input cap with an error instead of matching a prefix", () => {
    const j = regex("forbidden", "", "no_match");
    const long = "a".repeat(REGEX_MAX_INPUT_CHARS) + " forbidden";
    const verdict = judge(j, long);
    expect(verdict.status).toBe("error");
    expect(verdict.reason).toBe("input_too_long");
    expect(judge(createRegexJudge("r", { pattern: "a", flags: "", expect: "match" }, { maxInputChars: 3 }), "aaaa").reason).toBe(
      "input_too_long",
    );
  });

  describe("config errors at creation", () => {
    it("rejects an invalid pattern with the engine's message", () => {
      expect(() => regex("(unclosed")).toThrow(JudgeConfigError);
      expect(() => regex("(unclosed")).toThrow(/judge r \(regex\): pattern: invalid regular expression/);
    });

    it("rejects unknown and stateful flags", () => {
      expect(() => regex("a", "g")).toThrow(/flag "g" is not allowed/);
      expect(() => regex("a", "y")).toThrow(/flag "y"/);
      expect(() => regex("a", "q")).toThrow(/flag "q"/);
    });

    it("rejects an unknown expect value", () => {
      expect(() => createRegexJudge("r", { pattern: "a", flags: "", expect: "maybe" as "match" })).toThrow(/expect: expected one of match \| no_match/);
    });

    it("rejects nested quantifiers that backtrack catastrophically", () => {
      expect(() => regex("(a+)+$")).toThrow(/nested quantifier \(a\+\)\+/);
      expect(() => regex("^(\\w+\\s?)*$")).toThrow(JudgeConfigError);
    });
  });

  describe("backtracking protection", () => {
    it("finishes quickly on a polynomial-backtracking pattern (linear-engine fallback)", () => {
      const j = regex("a*a*b");
      const started = performance.now();
      expect(judge(j, "a".repeat(REGEX_MAX_INPUT_CHARS)).status).toBe("violated");
      // Minutes on the plain backtracking engine at this length.
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });
});

describe("findNestedQuantifier", () => {
  it.each([
    ["(a+)+", "(a+)+"],
    ["(a*)*", "(a*)*"],
    ["x(?:ab*)+y", "(?:ab*)+"],
    ["((ab)*c)+", "((ab)*c)+"],
    ["(\\d{1,5}){2,}", "(\\d{1,5}){2,}"],
    ["(?<word>\\w+\\s)*", "(?<word>\\w+\\s)*"],
    ["(a+){1,100}", "(a+){1,100}"],
  ])("flags %s", (pattern, fragment) => {
    expect(findNestedQuantifier(pattern)).toBe(fragment);
  });

  it.each([
    "^\\d+$",
    "(ab)+",
    "(a|b)*c",
    "(a+)?",
    "(a+){2}",
    "[(a+)]+",
    "\\(a+\\)+",
    "(?:\\d+\\.)?\\d+",
    "\\p{L}+(?:-\\p{L}+)?",
    "a{2,3}b+",
  ])("accepts %s", (pattern) => {
    expect(findNestedQuantifier(pattern)).toBeNull();
  });
});

describe("regexProblem (shared with the compiler)", () => {
  it("returns null for an accepted pattern and names the field otherwise", () => {
    expect(regexProblem("^\\d+$", "m")).toBeNull();
    expect(regexProblem("(", "")).toMatchObject({ field: "pattern", message: expect.stringMatching(/^invalid regular expression/) });
    expect(regexProblem("a", "g")).toMatchObject({ field: "flags" });
    expect(regexProblem("(a*)*", "")).toMatchObject({ field: "pattern", message: expect.stringMatching(/^nested quantifier/) });
  });
});
