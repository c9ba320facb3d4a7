/**
 * `align check` and the judge server agree on judge configs: a recipe check accepts is never
 * refused by the server, and one the server would refuse is an error at check time. Each
 * config goes through the real compiler and the real judge registry.
 */
import { describe, expect, it } from "vitest";
import type { CompileResult } from "../../compiler/index.js";
import { createJudges, defaultFactoryContext } from "../../runtime/judges/registry.js";
import type { JudgePlan } from "../../runtime/judges/plan-config.js";
import { compileFiles } from "../compiler/helpers.js";

function recipe(judge: string): CompileResult {
  return compileFiles({
    "main.align": `model policy { from = hf("meta-llama/Meta-Llama-3-8B") }
model judge_llm { from = endpoint("http://judge:8000/v1", model = "m") }
dataset qa = jsonl("qa.jsonl") { prompt = "question"  tests = "tests" }
judge j = ${judge}
reward rm { from = hf("org/rm") }
task t { prompts = [qa] reward = rm judges = [j] optimizer = crpg { generations = 4 kl_max = 0.2 } }
stage train = cgpo { policy = policy  tasks = [t]  steps = 10  lr = 1e-6 }
`,
    "qa.jsonl": '{"question": "q", "tests": "assert True"}\n',
    "trailing-comma.schema.json": '{"type": "object",}',
    "typo.schema.json": '{"type": "objekt"}',
    "judge.mjs": "export function judge() { return { status: 'satisfied', reason: 'ok' }; }\n",
  });
}

async function serverRefusal(plan: JudgePlan): Promise<string | null> {
  try {
    await createJudges(plan, defaultFactoryContext(plan, { env: {} }));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const REGEXES: ReadonlyArray<readonly [string, string]> = [
  ["^\\\\d+$", ""],
  ["([0-9]+", ""],
  ["(a+)+$", ""],
  ["^(\\\\w+\\\\s?)*$", "i"],
  ["(ab)+c", "m"],
  ["a{2,}b", "s"],
  ["a", "g"],
  ["a", "y"],
  ["a", "iu"],
  ["\\\\p{L}+", "u"],
  ["[", "v"],
  ["(?<year>\\\\d{4})", "d"],
];

const PARSE_PATTERNS = ["Verdict: (True|False)", "Verdict: True|False", "(unclosed", "(?:no capture)", "Answer: (\\\\w+)"];

describe("align check and the judge server agree on judge configs", () => {
  it("regex judges: patterns and flags", async () => {
    for (const [pattern, flags] of REGEXES) {
      const compiled = recipe(`regex { pattern = "${pattern}" flags = "${flags}" }`);
      const refused = compiled.plan ? await serverRefusal(compiled.plan as unknown as JudgePlan) : "no plan";
      expect(compiled.hasErrors, `/${pattern}/${flags}: check ${compiled.hasErrors ? "refused" : "accepted"}, server ${refused ?? "accepted"}`).toBe(refused !== null);
    }
  });

  it("code_tests limits", async () => {
    const limits = ["timeout = 0s", "timeout = 1h", "timeout = 2h", "memory = 1MiB", "memory = 32MiB", "processes = 0", "processes = 4096", "processes = 5000"];
    for (const limit of limits) {
      const compiled = recipe(`code_tests { ${limit} }`);
      const refused = await serverRefusal(compiled.plan as unknown as JudgePlan);
      expect(compiled.hasErrors, `${limit}: check ${compiled.hasErrors ? "refused" : "accepted"}, server ${refused ?? "accepted"}`).toBe(refused !== null);
    }
  });

  it("llm_judge parse patterns", async () => {
    for (const pattern of PARSE_PATTERNS) {
      const compiled = recipe(`llm_judge { model = judge_llm template = "{response}" decision = parse parse_pattern = "${pattern}" }`);
      const refused = compiled.plan ? await serverRefusal(compiled.plan as unknown as JudgePlan) : "no plan";
      expect(compiled.hasErrors, `${pattern}: check ${compiled.hasErrors ? "refused" : "accepted"}, server ${refused ?? "accepted"}`).toBe(refused !== null);
    }
  });

  it("contains, length, json, llm_judge and custom judges", async () => {
    const judges = [
      'contains { values = ["yes"] }',
      'contains { values = ["yes", ""] }',
      "length { max = 10 }",
      "length { unit = chars }",
      "length { min = 5  max = 2 }",
      'json { schema = "{\\"type\\": \\"object\\"}" }',
      'json { schema = file("trailing-comma.schema.json") }',
      'json { schema = file("typo.schema.json") }',
      'json { schema = "{\\"$schema\\": \\"http://json-schema.org/draft-04/schema#\\"}" }',
      'json { schema = "{\\"type\\": \\"string\\", \\"format\\": \\"phone\\"}" }',
      'json { schema = "{\\"typ\\": \\"string\\"}" }',
      'json { schema = "[1]" }',
      'llm_judge { model = judge_llm  template = "{response}"  positive = "" }',
      'llm_judge { model = judge_llm  template = "{response}"  negative = "" }',
      'llm_judge { model = judge_llm  template = "{response}"  timeout = 0s }',
      'llm_judge { model = judge_llm  template = "{response}"  timeout = 1s }',
      'llm_judge { model = judge_llm  template = "{response}"  decision = parse }',
      'custom { module = "judge.mjs"  timeout = 0s }',
    ];
    const disagreements: string[] = [];
    for (const judge of judges) {
      const compiled = recipe(judge);
      const refused = await serverRefusal(compiled.plan as unknown as JudgePlan);
      if (compiled.hasErrors !== (refused !== null)) disagreements.push(`${judge}: check ${compiled.hasErrors ? "refused" : "accepted"}, server ${refused ?? "accepted"}`);
    }
    expect(disagreements).toEqual([]);
  });
});
