import { describe, expect, it } from "vitest";
import { createMathAnswerJudge, type MathAnswerJudgeConfig } from "../../../runtime/judges/math_answer/index.js";
import { JudgeConfigError } from "../../../runtime/judges/rules/config-error.js";
import type { Judgement } from "../../../runtime/judges/types.js";

const DEFAULTS: MathAnswerJudgeConfig = {
  answer: { field: "answer" },
  extract: ["final_answer", "boxed", "last_number"],
  tolerance: 1e-6,
  symbolic: true,
};

function run(response: string, answer: unknown, config: Partial<MathAnswerJudgeConfig> = {}): Judgement {
  const judge = createMathAnswerJudge("math", { ...DEFAULTS, ...config });
  const result = judge.evaluate({ prompt: "Solve it.", response, fields: { answer } }, {});
  if (result instanceof Promise) throw new Error("math_answer is synchronous");
  return result;
}

describe("math_answer verdicts", () => {
  it("has the declared name and variant", () => {
    const judge = createMathAnswerJudge("math", DEFAULTS);
    expect([judge.name, judge.variant]).toEqual(["math", "math_answer"]);
  });

  it("is satisfied on the paper's format and names the strategy", () => {
    const response = "We add the numbers: 2 + 3 = 5.\nFinal Answer: The final answer is $5$. I hope it is correct.";
    expect(run(response, "5")).toEqual({ status: "satisfied", reason: "answer_match", detail: "final_answer" });
  });

  it("is violated with extracted vs expected on a wrong answer", () => {
    expect(run("The final answer is 6.", "5")).toEqual({
      status: "violated",
      reason: "answer_mismatch",
      detail: 'extracted "6" (final_answer), expected "5"',
    });
  });

  it("is violated with no_answer_found when nothing can be extracted", () => {
    expect(run("I am not sure how to solve this.", "5")).toEqual({ status: "violated", reason: "no_answer_found" });
    expect(run("\\boxed{$ $}", "5", { extract: ["boxed"] })).toMatchObject({ reason: "no_answer_found" });
  });

  it("solves a GSM8K-style response by the last number", () => {
    const response = "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72";
    expect(run(response, "72")).toMatchObject({ status: "satisfied", detail: "final_answer" });
  });

  it("solves a MATH-style response by the last box", () => {
    const response = "First \\boxed{3} was a typo. So $r = \\boxed{\\dfrac{14}{3}}$.";
    expect(run(response, "\\frac{14}{3}")).toMatchObject({ status: "satisfied", detail: "boxed" });
  });

  it("respects the declared extraction order", () => {
    const response = "The final answer is 4. Checking: \\boxed{5}";
    expect(run(response, "5").status).toBe("violated");
    expect(run(response, "5", { extract: ["boxed", "final_answer"] }).status).toBe("satisfied");
    expect(run("so it is 5", "5", { extract: ["final_answer", "boxed"] }).reason).toBe("no_answer_found");
  });

  it("counts a correct answer in the wrong format as a violation (the paper's choice)", () => {
    expect(run("The answer is 5", "5", { extract: ["final_answer"] }).reason).toBe("no_answer_found");
  });

  it("rejects over-long extracted answers without parsing them", () => {
    const verdict = run(`The final answer is ${"1".repeat(5000)}`, "1");
    expect(verdict).toMatchObject({ status: "violated", reason: "answer_mismatch" });
    expect(verdict.detail).toMatch(/max 1000/);
  });

  it("is deterministic", () => {
    const judge = createMathAnswerJudge("math", DEFAULTS);
    const sample = { prompt: "", response: "\\boxed{(x+1)^2}", fields: { answer: "x^2+2x+1" } };
    const verdicts = Array.from({ length: 5 }, () => judge.evaluate(sample, {}));
    expect(new Set(verdicts.map((v) => JSON.stringify(v))).size).toBe(1);
  });
});

describe("the reference answer", () => {
  it("errors with reference_missing when the field is absent, null or empty", () => {
    expect(run("\\boxed{5}", undefined)).toEqual({ status: "error", reason: "reference_missing", detail: 'field "answer" is absent or empty' });
    expect(run("\\boxed{5}", null).reason).toBe("reference_missing");
    expect(run("\\boxed{5}", "").reason).toBe("reference_missing");
    const judge = createMathAnswerJudge("math", { ...DEFAULTS, answer: { field: "solution" } });
    expect(judge.evaluate({ prompt: "", response: "5", fields: { answer: "5" } }, {})).toMatchObject({ reason: "reference_missing" });
  });

  it("errors with reference_unparseable on broken or non-answer values", () => {
    expect(run("\\boxed{5}", "\\frac{1}{")).toMatchObject({ status: "error", reason: "reference_unparseable" });
    expect(run("\\boxed{5}", "$ $").reason).toBe("reference_unparseable");
    expect(run("\\boxed{5}", { value: 5 }).reason).toBe("reference_unparseable");
    expect(run("\\boxed{5}", true).reason).toBe("reference_unparseable");
    expect(run("\\boxed{5}", "9".repeat(2000)).reason).toBe("reference_unparseable");
  });

  it("accepts numbers as well as strings", () => {
    expect(run("\\boxed{72}", 72).status).toBe("satisfied");
    expect(run("\\boxed{0.5}", 0.5).status).toBe("satisfied");
  });

  it("reads the answer out of a GSM8K solution and a MATH solution", () => {
    const gsm8k = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72";
    expect(run("The final answer is 72", gsm8k).status).toBe("satisfied");
    const math = "The radius is $\\sqrt{2}$, so the area is $\\boxed{2\\pi}$.";
    expect(run("The final answer is $2\\pi$", math).status).toBe("satisfied");
  });

  it("accepts any of a list of acceptable answers", () => {
    expect(run("\\boxed{0.5}", ["1/2", "\\text{half}"]).status).toBe("satisfied");
    expect(run("\\boxed{half}", ["1/2", "\\text{half}"]).status).toBe("satisfied");
    expect(run("\\boxed{2}", ["1/2", "half"])).toMatchObject({ reason: "answer_mismatch", detail: 'extracted "2" (boxed), expected "1/2" or "half"' });
  });
});

describe("config", () => {
  it("takes the plan's judge object (extra plan fields are ignored)", () => {
    const planJudge = { variant: "math_answer", on_error: "violated", scope: null, ...DEFAULTS };
    expect(createMathAnswerJudge("m", planJudge).variant).toBe("math_answer");
  });

  it.each([
    [{ answer: { field: "" } }, /answer.field: expected a non-empty field name/],
    [{ answer: null as unknown as { field: string } }, /answer: expected field/],
    [{ extract: [] }, /extract: expected a non-empty list/],
    [{ extract: ["boxed", "boxed"] as const }, /extract\[1\]: "boxed" is listed twice/],
    [{ extract: ["guess" as "boxed"] }, /extract\[0\]: expected one of final_answer \| boxed \| last_math \| last_number/],
    [{ tolerance: -1 }, /tolerance/],
    [{ tolerance: Number.NaN }, /tolerance/],
    [{ tolerance: 1 }, /tolerance/],
    [{ symbolic: "yes" as unknown as boolean }, /symbolic: expected true or false/],
  ])("rejects %j", (override, message) => {
    expect(() => createMathAnswerJudge("m", { ...DEFAULTS, ...override })).toThrow(JudgeConfigError);
    expect(() => createMathAnswerJudge("m", { ...DEFAULTS, ...override })).toThrow(message);
  });
});
