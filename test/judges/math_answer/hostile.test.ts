import { describe, expect, it } from "vitest";
import { compileExpression } from "../../../runtime/judges/math_answer/cas.js";
import { createMathAnswerJudge } from "../../../runtime/judges/math_answer/index.js";
import type { Judgement } from "../../../runtime/judges/types.js";

const judge = createMathAnswerJudge("math", {
  answer: { field: "answer" },
  extract: ["final_answer", "boxed", "last_number"],
  tolerance: 1e-6,
  symbolic: true,
});

/** Generous: real costs are well under a few milliseconds; CI machines are slow and shared. */
const BUDGET_MS = 500;

function timed(response: string, answer: unknown): { verdict: Judgement; ms: number } {
  const started = performance.now();
  const verdict = judge.evaluate({ prompt: "", response, fields: { answer } }, {}) as Judgement;
  return { verdict, ms: performance.now() - started };
}

const box = (inner: string) => `\\boxed{${inner}}`;

describe("math_answer on hostile responses never throws and stays fast", () => {
  const cases: Array<[string, () => string, unknown, string]> = [
    ["10 MB of text", () => "a".repeat(10_000_000), "5", "no_answer_found"],
    ["10 MB of digits", () => "1".repeat(10_000_000), "5", "answer_mismatch"],
    ["a correct box after 10 MB", () => `${"a".repeat(10_000_000)} ${box("5")}`, "5", "answer_match"],
    ["100k nested braces", () => box("{".repeat(100_000) + "5" + "}".repeat(100_000)), "5", "no_answer_found"],
    ["300 nested braces", () => box("{".repeat(300) + "5" + "}".repeat(300)), "5", "answer_match"],
    ["400 nested parentheses", () => box("(".repeat(400) + "5" + ")".repeat(400)), "5", "answer_mismatch"],
    ["80 nested fractions", () => box("\\frac{1}{".repeat(80) + "2" + "}".repeat(80)), "5", "answer_mismatch"],
    ["1e999999", () => box("1e999999"), "5", "answer_mismatch"],
    ["1e999999 against itself", () => box("1e999999"), "1e999999", "answer_match"],
    ["a power tower", () => box("10^{10^{10^{10}}}"), "5", "answer_mismatch"],
    ["a variable power tower", () => box("x^{x^{x^{x^{x^{x}}}}}"), "x", "answer_mismatch"],
    ["a huge factorial", () => box("(10^{100})!"), "5", "answer_mismatch"],
    ["a 200-term sum", () => box(`${"x+".repeat(199)}x`), "200x", "answer_mismatch"],
    ["120 text commands", () => box("\\text{a}".repeat(120)), "5", "answer_mismatch"],
    ["200k 'final answer' phrases", () => "final answer ".repeat(200_000), "5", "no_answer_found"],
    ["20k unclosed \\(", () => `The final answer is ${"\\(".repeat(20_000)}`, "5", "no_answer_found"],
    ["100k boxes", () => box("1").repeat(100_000), "1", "answer_match"],
    ["an unclosed box of digits", () => `\\boxed{${"1".repeat(100_000)}`, "1", "answer_mismatch"],
    ["900 minus signs", () => box(`${"-".repeat(900)}1`), "1", "answer_mismatch"],
    ["prototype names", () => box("constructor + __proto__ + toString"), "5", "answer_mismatch"],
    ["mathjs import", () => box("import(x)"), "5", "answer_mismatch"],
    ["mathjs evaluate", () => box('evaluate("1+1")'), "2", "answer_mismatch"],
    ["function definition", () => box("f(x) = x; f(2)"), "2", "answer_mismatch"],
    ["matrix syntax", () => box("[1, 2; 3, 4]"), "5", "answer_mismatch"],
    ["500-element list", () => box(`${"1,".repeat(499)}1`), "1", "answer_mismatch"],
    ["30 nested tuples", () => box(`${"(1,".repeat(30)}1${")".repeat(30)}`), "1", "answer_mismatch"],
    ["a 30k-digit number", () => `-${"9".repeat(30_000)}`, "5", "answer_mismatch"],
    ["lone surrogates and control characters", () => box("\ud800\u0000\u202e5"), "5", "answer_mismatch"],
    ["11k unclosed inline dollars", () => "$a ".repeat(11_000), "5", "no_answer_found"],
    ["11k unclosed \\( after no final answer", () => "\\( ".repeat(11_000), "5", "no_answer_found"],
    ["4k joined copies of one math span (one answer)", () => "$1$ and ".repeat(4_000), "1", "answer_match"],
    ["3k boxes one after another", () => "\\boxed{1} ".repeat(3_000), "1", "answer_match"],
    ["3k boxes joined by connectives", () => "\\boxed{1}, \\boxed{2} and ".repeat(1_500), "1", "answer_mismatch"],
  ];

  it.each(cases)("%s", (_label, make, answer, reason) => {
    const response = make();
    timed(response, answer); // warm up the JIT so the bound measures the judge, not V8
    const { verdict, ms } = timed(response, answer);
    expect(verdict.reason).toBe(reason);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it("handles a hostile reference the same way", () => {
    expect(timed("5", box("{".repeat(50_000))).verdict.reason).toBe("reference_unparseable");
    expect(timed("5", "x".repeat(1_000_000)).verdict.reason).toBe("reference_unparseable");
  });
});

describe("the restricted CAS", () => {
  it.each([
    "import({})",
    "evaluate('1')",
    "f(x) = x",
    "a = 5",
    "[1, 2]",
    "{a: 1}",
    "x.y",
    "1:3",
    "x ? 1 : 2",
    "x == 1",
    "x and y",
    "5 mod 2",
    "createUnit('foo')",
    "constructor",
    "__proto__",
    "sqrt(1, 2)",
    "(".repeat(30) + "1" + ")".repeat(30),
    `${"x+".repeat(100)}x`,
  ])("rejects %s", (source) => {
    expect(compileExpression(source, { splitNames: true })).toBeNull();
  });

  it("compiles arithmetic into a plain-number evaluator with sorted free variables", () => {
    const compiled = compileExpression("nthRoot(-8, 3) * x + y^2 + pi - e", { splitNames: false });
    expect(compiled?.vars).toEqual(["x", "y"]);
    expect(compiled?.evaluate({ x: 1, y: 2 })).toBeCloseTo(-2 + 4 + Math.PI - Math.E, 12);
  });

  it("splits unknown names into letters only when asked", () => {
    expect(compileExpression("2 ab", { splitNames: true })?.vars).toEqual(["a", "b"]);
    expect(compileExpression("Monday", { splitNames: false })).toBeNull();
    expect(compileExpression("5 cm", { splitNames: false })).toBeNull();
  });
});
