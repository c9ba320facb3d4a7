import { describe, expect, it } from "vitest";
import type { JudgeFactoryContext, JudgePlan, PlanJudgeConfig } from "../../../runtime/judges/plan-config.js";
import { createJudges, factoryFor, judgesUsedByTasks, knownVariants } from "../../../runtime/judges/registry.js";

const common = { on_error: "violated", scope: null } as const;
const judges: Record<string, PlanJudgeConfig> = {
  no_apology: { variant: "regex", ...common, pattern: "as an AI", flags: "i", expect: "no_match" },
  mentions: { variant: "contains", ...common, values: ["42"], mode: "any", case_sensitive: true },
  short: { variant: "length", ...common, unit: "words", min: 1, max: 50 },
  is_json: { variant: "json", ...common, schema: null, extract: "whole" },
  format: { variant: "instructions", ...common, requirements: { field: "if_requirements" }, mode: "strict" },
};
const plan: JudgePlan = { judges, tasks: { t: { prompts: [], judges: Object.keys(judges).map((judge) => ({ judge })) } } };
const context: JudgeFactoryContext = { plan, baseDir: process.cwd(), env: {}, cacheDir: null };

describe("judge registry", () => {
  it("knows every variant of docs/plan.md", () => {
    expect(knownVariants()).toEqual(["code_tests", "contains", "custom", "instructions", "json", "length", "llm_judge", "math_answer", "regex"]);
  });

  it("builds the rule judges from plan configs and they judge", async () => {
    const built = await createJudges(plan, context);
    expect([...built.keys()]).toEqual(judgesUsedByTasks(plan));
    const sample = { prompt: "p", response: '{"answer": 42}', fields: { if_requirements: [{ id: "punctuation:no_comma" }] } };
    const verdicts = Object.fromEntries(await Promise.all([...built].map(async ([name, judge]) => [name, (await judge.evaluate(sample, {})).status])));
    expect(verdicts).toEqual({ format: "satisfied", is_json: "satisfied", mentions: "satisfied", no_apology: "satisfied", short: "satisfied" });
  });

  it("names every broken judge at once", async () => {
    const broken: JudgePlan = {
      judges: { a: { variant: "vibes", ...common }, b: { variant: "regex", ...common, pattern: "(", flags: "", expect: "match" } },
      tasks: { t: { judges: ["a", "b", "c"] } },
    };
    const error = await createJudges(broken, { ...context, plan: broken }).catch((e: Error) => e);
    expect(String(error)).toMatch(/judge a: unknown judge variant "vibes"/);
    expect(String(error)).toMatch(/judge b/);
    expect(String(error)).toMatch(/judge c is referenced but not declared/);
  });

  it("builds math_answer and code_tests from plan configs", async () => {
    const more: JudgePlan = {
      judges: {
        math: { variant: "math_answer", ...common, answer: { field: "answer" }, extract: ["final_answer", "boxed", "last_number"], tolerance: 1e-6, symbolic: true },
        tests: { variant: "code_tests", ...common, tests: { field: "tests" }, entry_point: null, language: "python", timeout: 10, memory: 512 * 1024 * 1024, processes: 32, sandbox: "bwrap" },
      },
      tasks: { t: { judges: ["math", "tests"] } },
    };
    const built = await createJudges(more, { ...context, plan: more });
    expect(built.get("tests")?.variant).toBe("code_tests");
    const verdict = await built.get("math")?.evaluate({ prompt: "2+2?", response: "So 2+2 = 4. The final answer is 4.", fields: { answer: "4" } }, {});
    expect(verdict?.status).toBe("satisfied");
  });

  it("refuses an unknown variant, listing the known ones", () => {
    expect(() => factoryFor("vibes")).toThrow(/unknown judge variant "vibes" \(known: code_tests, contains/);
  });
});
