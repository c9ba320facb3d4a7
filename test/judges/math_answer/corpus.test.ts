import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMathAnswerJudge, type ExtractStrategy } from "../../../runtime/judges/math_answer/index.js";
import { DEFAULT_EXTRACT } from "../../../runtime/judges/math_answer/extract.js";
import type { Judgement } from "../../../runtime/judges/types.js";

/**
 * The equivalence corpus (test/fixtures/judges/math_answer/corpus.jsonl): (gold, response,
 * expected) cases by category, judged with the plan's defaults (or the case's `extract`).
 * A false pass (judged satisfied where the expected verdict is a failure) is never allowed;
 * agreement per category is printed and held above a floor.
 */
interface Case {
  readonly category: string;
  readonly gold: string;
  readonly response: string;
  readonly expected: boolean;
  readonly extract?: readonly ExtractStrategy[];
}

const corpusPath = new URL("../../fixtures/judges/math_answer/corpus.jsonl", import.meta.url);
const cases: Case[] = readFileSync(corpusPath, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Case);

const judges = new Map<string, ReturnType<typeof createMathAnswerJudge>>();
function judgeFor(extract: readonly ExtractStrategy[]) {
  const key = extract.join(",");
  let judge = judges.get(key);
  if (judge === undefined) {
    judge = createMathAnswerJudge("math", { answer: { field: "answer" }, extract, tolerance: 1e-6, symbolic: true });
    judges.set(key, judge);
  }
  return judge;
}

const verdicts = cases.map((c) => {
  const verdict = judgeFor(c.extract ?? DEFAULT_EXTRACT).evaluate({ prompt: "", response: c.response, fields: { answer: c.gold } }, {}) as Judgement;
  return { ...c, passed: verdict.status === "satisfied", verdict };
});

describe("math_answer equivalence corpus", () => {
  it("has at least 400 cases over every category", () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    const categories = new Set(cases.map((c) => c.category));
    for (const category of ["math_span_only", "multiple_boxed", "final_answer_prose", "inequality", "labelled", "sets_lists", "equation", "matrix", "thousands_decimal", "precision", "adversarial_sign", "adversarial_digits", "adversarial_roots", "adversarial_powers", "adversarial_units"]) {
      expect(categories.has(category), category).toBe(true);
    }
  });

  it("never passes a response the corpus marks wrong", () => {
    const falsePasses = verdicts.filter((v) => v.passed && !v.expected).map((v) => `${v.category}: gold ${JSON.stringify(v.gold)}, response ${JSON.stringify(v.response)}`);
    expect(falsePasses).toEqual([]);
  });

  it("agrees with the corpus per category (printed), at least 90% overall", () => {
    const table = new Map<string, { agree: number; total: number }>();
    for (const v of verdicts) {
      const row = table.get(v.category) ?? { agree: 0, total: 0 };
      row.total++;
      if (v.passed === v.expected) row.agree++;
      table.set(v.category, row);
    }
    const lines = [...table].sort(([a], [b]) => a.localeCompare(b)).map(([category, { agree, total }]) => `${category.padEnd(22)} ${agree}/${total} ${((100 * agree) / total).toFixed(1)}%`);
    const agreed = verdicts.filter((v) => v.passed === v.expected).length;
    lines.push(`${"all".padEnd(22)} ${agreed}/${verdicts.length} ${((100 * agreed) / verdicts.length).toFixed(1)}%`);
    console.log(`math_answer corpus agreement\n${lines.join("\n")}`);
    const misses = verdicts.filter((v) => v.passed !== v.expected).map((v) => `${v.category}: ${JSON.stringify(v.gold)} vs ${JSON.stringify(v.response)} → ${v.verdict.reason} ${v.verdict.detail ?? ""}`);
    if (process.env.MATH_CORPUS_MISSES) console.log(misses.join("\n"));
    expect(agreed / verdicts.length).toBeGreaterThanOrEqual(0.9);
  });
});
