import { describe, expect, it } from "vitest";
import {
  extractAnswer,
  extractBoxed,
  extractFinalAnswer,
  extractLastMath,
  extractLastNumber,
  RESPONSE_TAIL_CHARS,
} from "../../../runtime/judges/math_answer/extract.js";

describe("final_answer extraction (the paper's format)", () => {
  it.each([
    ["The final answer is 42.", "42"],
    ["The final answer is 42", "42"],
    ["The final answer is $\\frac{3}{4}$.", "\\frac{3}{4}"],
    ["Final Answer: The final answer is $12$. I hope it is correct.", "12"],
    ["Final Answer: The final answer is 3.5. I hope it is correct.", "3.5"],
    ["final answer: 7", "7"],
    ["The final answer is: -2", "-2"],
    ["The FINAL ANSWER is 9", "9"],
    ["So the final answer is \\(x+1\\).", "x+1"],
    ["The final answer is $$\\sqrt{2}$$", "\\sqrt{2}"],
    ["The final answer is\n$$\n\\frac{7}{2}\n$$", "\\frac{7}{2}"],
    ["The final answer is 3.14. Let me double-check: yes.", "3.14"],
    ["The final answer is \\boxed{5}.", "5"],
    ["Final Answer: There are 12 eggs left.", "12"],
    ["Final Answer: It is not 12 at all.", "It is not 12 at all"],
    ["Final Answer: at least 12 people came.", "at least 12 people came"],
    ["Final Answer: x^2 is larger than 12", "x^2 is larger than 12"],
    ["**Final Answer**\n\n\\[\\boxed{7}\\]", "7"],
    ["**Final Answer:** $-3$", "-3"],
    ["The final answer is $x = 1$ or $x = 2$.", "x = 1, x = 2"],
    ["#### 1,234", "1,234"],
  ])("%j → %j", (text, expected) => {
    expect(extractFinalAnswer(text)).toBe(expected);
  });

  it("takes the last statement when the response revises itself", () => {
    expect(extractFinalAnswer("The final answer is 3.\nWait, that is wrong.\nThe final answer is 4.")).toBe("4");
  });

  it("needs the phrase followed by 'is' or a colon", () => {
    expect(extractFinalAnswer("Before the final answer we check.")).toBeNull();
    expect(extractFinalAnswer("The answer is 5.")).toBeNull();
    expect(extractFinalAnswer("The final answer is")).toBeNull();
  });
});

describe("boxed extraction", () => {
  it.each([
    ["so \\boxed{5}", "5"],
    ["\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"],
    ["\\boxed{\\left\\{ 1, 2 \\right\\}}", "\\left\\{ 1, 2 \\right\\}"],
    ["$\\boxed{x^{2^{3}}}$", "x^{2^{3}}"],
    ["\\boxed 7 is it", "7"],
    ["\\fbox{9}", "9"],
    ["first \\boxed{1}, then \\boxed{2}", "2"],
    ["so $x = \\boxed{1}$ or $x = \\boxed{2}$", "x = 1, x = 2"],
    ["\\boxed{3} and \\boxed{3}", "3"],
  ])("%j → %j", (text, expected) => {
    expect(extractBoxed(text)).toBe(expected);
  });

  it("returns null for no box or an unclosed last box", () => {
    expect(extractBoxed("no box")).toBeNull();
    expect(extractBoxed("\\boxed{1} and \\boxed{2")).toBeNull();
    expect(extractBoxed("\\boxedx")).toBeNull();
  });
});

describe("last_number extraction", () => {
  it.each([
    ["Natalia sold 48/2 = 24 clips in May.\nIn total 48+24 = 72 clips.\n#### 72", "72"],
    ["The answer is 1,234,567 dollars.", "1,234,567"],
    ["It costs $-7 now.", "-7"],
    ["x = 10-3", null],
    ["so $x^2$", null],
    ["so $\\sqrt{5}$", null],
    ["$\\frac{1+\\sqrt5}{2}$", null],
    ["so $-\\frac{10}{9}$", "-\\frac{10}{9}"],
    ["the roots are 1, 2, 3", null],
    ["2 or 3", null],
    ["it is 12\\pi", null],
    ["so it is \\log 8", null],
    ["3.75 liters", "3.75"],
    ["about 3/4 of them", "3/4"],
    ["so \\frac{2}{3}", "\\frac{2}{3}"],
    ["rate of 50%", "50%"],
    ["a2b3 then 5.", "5"],
    ["1,0000", null],
  ])("%j → %j", (text, expected) => {
    expect(extractLastNumber(text)).toBe(expected);
  });

  it("returns null without digits", () => {
    expect(extractLastNumber("no numbers here")).toBeNull();
  });
});

describe("last_math extraction", () => {
  it.each([
    ["The area is $12\\pi$.", "12\\pi"],
    ["We get $x^2 = 4$, so $x = 2$.", "x = 2"],
    ["The solutions are $x = 1$ and $x = -1$.", "x = 1, x = -1"],
    ["It costs $5 and $10 in total.", null],
    ["\\[ \\frac{3}{4} \\]", "\\frac{3}{4}"],
    ["price \\$5, answer $7$", "7"],
  ])("%j → %j", (text, expected) => {
    expect(extractLastMath(text)).toBe(expected);
  });
});

describe("extractAnswer", () => {
  const all = ["final_answer", "boxed", "last_number"] as const;

  it("uses the first strategy in the declared order that finds something", () => {
    const text = "\\boxed{3}. The final answer is 4. Then 5.";
    expect(extractAnswer(text, all)).toEqual({ strategy: "final_answer", text: "4" });
    expect(extractAnswer(text, ["boxed", "final_answer"])).toEqual({ strategy: "boxed", text: "3" });
    expect(extractAnswer(text, ["last_number"])).toEqual({ strategy: "last_number", text: "5" });
  });

  it("falls through strategies that find nothing", () => {
    expect(extractAnswer("so it is 12", all)).toEqual({ strategy: "last_number", text: "12" });
    expect(extractAnswer("no answer", all)).toBeNull();
    expect(extractAnswer("so it is 12", ["final_answer", "boxed"])).toBeNull();
  });

  it("skips an empty box", () => {
    expect(extractAnswer("\\boxed{ } 7", ["boxed", "last_number"])).toEqual({ strategy: "last_number", text: "7" });
  });

  it("reads only the tail of an enormous response", () => {
    const head = "The final answer is 1.\n";
    const text = head + "x".repeat(RESPONSE_TAIL_CHARS) + " The final answer is 2.";
    expect(extractAnswer(text, all)?.text).toBe("2");
    expect(extractAnswer(head + "x".repeat(RESPONSE_TAIL_CHARS), all)).toBeNull();
  });
});
