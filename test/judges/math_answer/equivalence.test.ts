import { describe, expect, it } from "vitest";
import { equivalent } from "../../../runtime/judges/math_answer/compare.js";
import { parseAnswer, type ParseOptions } from "../../../runtime/judges/math_answer/value.js";

function same(answer: string, reference: string, tolerance = 1e-6, options: ParseOptions = { symbolic: true }): boolean {
  const a = parseAnswer(answer, options);
  const b = parseAnswer(reference, options);
  if (a === null || b === null) throw new Error(`unparsed: ${answer} / ${reference}`);
  return equivalent(a, b, tolerance);
}

describe("numbers", () => {
  it.each([
    ["42", "42"],
    ["-3", "-3"],
    ["+5", "5"],
    ["007", "7"],
    ["2.50", "2.5"],
    ["2.0", "2"],
    [".5", "0.5"],
    ["1,000,000", "1000000"],
    ["1{,}000", "1000"],
    ["1,\\!000", "1000"],
    ["1\\,000", "1000"],
    ["2.5e3", "2500"],
    ["12345678901234567890", "12,345,678,901,234,567,890"],
  ])("%s = %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ["41", "42"],
    ["-3", "3"],
    ["1000001", "1000000"],
    ["12345678901234567891", "12345678901234567890"],
  ])("%s ≠ %s", (a, b) => {
    expect(same(a, b)).toBe(false);
  });

  it("compares integers exactly and other numbers within the relative tolerance", () => {
    expect(same("1000001", "1000000", 1e-3)).toBe(false);
    expect(same("1000000.5", "1000000", 1e-6)).toBe(true);
    expect(same("0.3333", "1/3", 1e-6)).toBe(false);
    expect(same("0.3333", "1/3", 1e-3)).toBe(true);
    expect(same("0.333333", "1/3", 0)).toBe(false);
    expect(same("3.14", "\\pi", 1e-6)).toBe(false);
    expect(same("3.14", "\\pi", 1e-3)).toBe(true);
  });
});

describe("fractions", () => {
  it.each([
    ["\\frac{1}{2}", "0.5"],
    ["\\dfrac{3}{4}", "3/4"],
    ["\\tfrac34", "0.75"],
    ["\\frac{6}{8}", "\\frac{3}{4}"],
    ["-\\frac{1}{2}", "\\frac{-1}{2}"],
    ["- \\frac{1}{2}", "-0.5"],
    ["\\frac{9}{4}", "2.25"],
    ["2\\frac{1}{2}", "5/2"],
    ["\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}"],
    ["\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"],
    ["4/2", "2"],
  ])("%s = %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ["\\frac{1}{3}", "0.3"],
    ["0.333", "0.33"],
    ["\\frac{2}{3}", "\\frac{3}{2}"],
    ["\\frac{1}{0}", "1"],
  ])("%s ≠ %s", (a, b) => {
    expect(same(a, b)).toBe(false);
  });
});

describe("percentages: one side with % matches either reading", () => {
  it.each([
    ["50\\%", "0.5", true],
    ["50\\%", "50", true],
    ["50%", "\\frac{1}{2}", true],
    ["0.25", "25\\%", true],
    ["25", "25\\%", true],
    ["25\\%", "25 \\%", true],
    ["50\\%", "0.25", false],
    ["25\\%", "50\\%", false],
    ["0.5\\%", "0.5", true],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(same(a, b)).toBe(expected);
  });
});

describe("presentation is stripped", () => {
  it.each([
    ["5 \\text{ cm}", "5"],
    ["5\\text{ cm}^2", "5"],
    ["5 \\mbox{ inches}", "5"],
    ["5\\,\\mathrm{kg}", "5"],
    ["12 dollars", "12"],
    ["3 square feet", "3"],
    ["\\$18.90", "18.90"],
    ["\\$32,\\!348", "32348"],
    ["30^\\circ", "30"],
    ["30^{\\circ}", "30"],
    ["30°", "30"],
    ["$7$", "7"],
    ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)"],
    ["\\displaystyle\\frac12", "0.5"],
    ["\\text{(C)}", "C"],
    ["(C)", "C"],
    ["\\text{Yes}", "yes"],
    ["\\mathbf{v}", "v"],
    ["7.", "7"],
    ["{5}", "5"],
    ["x = 5", "5"],
    ["y = 2x + 3", "3 + 2x"],
    ["f(x) = x^2", "x^2"],
    ["x \\in [-2, 7]", "[-2, 7]"],
    ["−3", "-3"],
  ])("%s = %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it("keeps text-only answers and single-letter variables", () => {
    expect(same("\\text{odd}", "odd")).toBe(true);
    expect(same("\\text{odd}", "even")).toBe(false);
    expect(same("2 x", "2")).toBe(false);
    expect(same("B", "(A)")).toBe(false);
  });
});

describe("roots, powers, constants and operators", () => {
  it.each([
    ["2\\sqrt{2}", "\\sqrt{8}"],
    ["\\sqrt8", "2\\sqrt2"],
    ["\\sqrt[3]{27}", "3"],
    ["\\sqrt[3]{-8}", "-2"],
    ["2^{10}", "1024"],
    ["10^{-2}", "0.01"],
    ["3 \\times 10^{5}", "300000"],
    ["3 \\cdot 4", "12"],
    ["6 \\div 4", "1.5"],
    ["2\\pi", "\\pi \\cdot 2"],
    ["\\frac{1+\\sqrt{5}}{2}", "\\frac{1}{2}+\\frac{\\sqrt{5}}{2}"],
    ["\\sqrt{3}+1", "1+\\sqrt3"],
    ["0.1+0.2", "0.3"],
    ["\\log_2 8", "3"],
    ["\\ln(e^2)", "2"],
    ["5!", "120"],
    ["|{-3}|", "3"],
    ["\\sin^2 x + \\cos^2 x", "1"],
    ["\\infty", "\\infty"],
  ])("%s = %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ["2\\sqrt{3}", "\\sqrt{8}"],
    ["\\sqrt{x^2}", "x"],
    ["\\pi", "3"],
    ["\\sin^{-1} x", "\\frac{1}{\\sin x}"],
  ])("%s ≠ %s", (a, b) => {
    expect(same(a, b)).toBe(false);
  });
});

describe("symbolic equivalence", () => {
  it.each([
    ["x^2+2x+1", "(x+1)^2"],
    ["(x+1)^2", "x^2 + 2x + 1"],
    ["\\frac{x+1}{x-1}", "\\frac{1+x}{x-1}"],
    ["\\frac{x^2-1}{x-1}", "x+1"],
    ["2ab", "2ba"],
    ["x^{-1}", "\\frac1x"],
    ["2\\pi r", "2 r \\pi"],
    ["\\sqrt{x}^2", "x"],
    ["6-5i", "-5i+6"],
    ["a_1 + a_2", "a_2 + a_1"],
    ["\\theta + 1", "1 + \\theta"],
    ["x - x", "0"],
  ])("%s ≡ %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ["x^2+2x+1", "x^2+2x+2"],
    ["x^2+2x+1", "(x-1)^2"],
    ["2x", "2y"],
    ["x", "X"],
    ["\\sin x", "\\cos x"],
  ])("%s ≢ %s", (a, b) => {
    expect(same(a, b)).toBe(false);
  });
});

describe("tuples, intervals, sets and lists", () => {
  it.each([
    ["(1, 2)", "(1,2)", true],
    ["(2, 1)", "(1, 2)", false],
    ["[1, 2)", "[1,2)", true],
    ["(1, 2]", "[1, 2)", false],
    ["(1, 2)", "[1, 2]", false],
    ["(-\\infty, 3]", "(-\\infty,3]", true],
    ["(\\frac12, 0.25)", "(0.5, \\frac{1}{4})", true],
    ["\\{1, 2, 3\\}", "\\{3, 2, 1\\}", true],
    ["1, 2, 3", "3, 2, 1", true],
    ["1, 2", "1, 2, 3", false],
    ["1, 1, 2", "1, 2, 2", true],
    ["1, 1, 2", "1, 2, 3", false],
    ["1 \\text{ or } 2", "2, 1", true],
    ["(0,1) \\cup (2,3)", "(0, 1)\\cup(2, 3)", true],
    ["\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", true],
    ["\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}2\\\\1\\end{pmatrix}", false],
    ["(1, 2)", "1, 2", false],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(same(a, b)).toBe(expected);
  });
});

describe("equations", () => {
  it("matches sides in either order and strips a variable on one side", () => {
    expect(same("x + y = 3", "y + x = 3")).toBe(true);
    expect(same("3 = x + y", "x + y = 3")).toBe(true);
    expect(same("x + y = 3", "x + y = 4")).toBe(false);
  });
});

describe("symbolic = false", () => {
  const literal: ParseOptions = { symbolic: false };
  it("still compares numbers, fractions, percentages and tuples of them", () => {
    expect(same("\\frac{1}{2}", "0.5", 1e-6, literal)).toBe(true);
    expect(same("50\\%", "0.5", 1e-6, literal)).toBe(true);
    expect(same("(1, \\frac12)", "(1, 0.5)", 1e-6, literal)).toBe(true);
  });
  it("compares everything else as normalised text", () => {
    expect(same("2\\sqrt{2}", "\\sqrt{8}", 1e-6, literal)).toBe(false);
    expect(same("x^2 + 1", "x^2+1", 1e-6, literal)).toBe(true);
    expect(same("(x+1)^2", "x^2+2x+1", 1e-6, literal)).toBe(false);
  });
});
