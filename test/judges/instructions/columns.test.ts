/**
 * IFEval's own two-column layout end to end: a recipe fixture declaring
 * `requirements = field("instruction_id_list")  kwargs = field("kwargs")` is compiled, its plan
 * judge is built through the registry, and real IFEval rows (test/fixtures/check/data/
 * ifeval.jsonl) are judged with the dataset's column mapping.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../../compiler/index.js";
import { pairProblem } from "../../../compiler/check/rules/InstructionsColumns.js";
import { createInstructionsJudge } from "../../../runtime/judges/instructions/index.js";
import { createJudge, defaultFactoryContext } from "../../../runtime/judges/registry.js";
import type { JudgePlan, PlanJudgeConfig } from "../../../runtime/judges/plan-config.js";
import type { Judge, Judgement } from "../../../runtime/judges/types.js";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/check");
const rows = readFileSync(path.join(fixtures, "data/ifeval.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Record<string, unknown>);

async function compiledJudge(): Promise<{ judge: Judge; fields: Record<string, string | null> }> {
  const result = compile("ifeval-columns.align", { cwd: path.join(fixtures, "ok") });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const plan = result.plan!;
  const config = plan.judges["precise_if"] as unknown as PlanJudgeConfig;
  expect(config).toMatchObject({ requirements: { field: "instruction_id_list" }, kwargs: { field: "kwargs" }, mode: "loose" });
  const judge = await createJudge("precise_if", config, defaultFactoryContext(plan as unknown as JudgePlan));
  return { judge, fields: plan.datasets["ifeval"]!.fields as Record<string, string | null> };
}

/** A sample as the orchestrator builds it: logical field → the row's mapped column. */
function sample(row: Record<string, unknown>, fields: Record<string, string | null>, response: string) {
  const values: Record<string, unknown> = {};
  for (const [logical, column] of Object.entries(fields)) if (column !== null) values[logical] = row[column];
  return { prompt: String(row["prompt"]), response, fields: values };
}

const ITINERARY = "Day one: arrive in Tokyo and marvel at the lights\nDay two: the temples of Kyoto\nFare thee well";
const RESUME = `Name: [name]\nAddress: [address]\nPhone: [phone]\nEmail: [email]\nSchool: [school]\nYear: [year]\nGPA: [gpa]\nSkill: [skill]\nHobby: [hobby]\nReference: [reference]\nCity: [city]\nDate: [date]`;
const EMAIL =
  "Write an email to my boss telling him that I am quitting. The email must contain a title wrapped in double angular brackets, i.e. <<title>>.\n<<Resignation>>\nDear boss, I am leaving.";

describe("IFEval's two-column layout", () => {
  it("compiles, builds through the registry and judges real IFEval rows", async () => {
    const { judge, fields } = await compiledJudge();
    const verdict = (row: number, response: string) => judge.evaluate(sample(rows[row]!, fields, response), {}) as Judgement;
    expect(verdict(1, ITINERARY)).toEqual({ status: "satisfied", reason: "all_followed" });
    expect(verdict(1, "Day one, Tokyo")).toMatchObject({ status: "violated", detail: expect.stringContaining("punctuation:no_comma[0]") });
    expect(verdict(2, RESUME).status).toBe("satisfied");
    expect(verdict(2, "Name: [name]")).toMatchObject({ status: "violated", detail: expect.stringContaining("detectable_content:number_placeholders[0]") });
    expect(verdict(3, EMAIL).status).toBe("satisfied");
    expect(verdict(3, "<<Resignation>>\nI quit.")).toMatchObject({ status: "violated", detail: expect.stringContaining("combination:repeat_prompt[1]") });
    // Row 0: three instructions; a short comma-free answer follows only the first.
    expect(verdict(0, "Raymond ruled Tripoli.")).toMatchObject({ status: "violated", detail: expect.stringMatching(/^2 of 3 not followed/) });
  });

  const judge = createInstructionsJudge("ifeval", { requirements: { field: "ids" }, kwargs: { field: "kw" }, mode: "strict" });
  const run = (fields: Record<string, unknown>, response = "no commas here") => judge.evaluate({ prompt: "", response, fields }, {}) as Judgement;

  it("reads columns stored as JSON text (CSV exports)", () => {
    expect(run({ ids: '["punctuation:no_comma"]', kw: "[{}]" }).status).toBe("satisfied");
  });

  it("errors with the field named when either column is missing", () => {
    expect(run({ kw: [{}] })).toMatchObject({ status: "error", reason: "requirements_missing", detail: 'the sample has no field "ids"' });
    expect(run({ ids: ["punctuation:no_comma"] })).toMatchObject({ status: "error", reason: "requirements_missing", detail: 'the sample has no field "kw"' });
  });

  it("errors with invalid_requirements when the columns do not pair up", () => {
    expect(run({ ids: ["punctuation:no_comma", "startend:quotation"], kw: [{}] })).toMatchObject({ reason: "invalid_requirements", detail: expect.stringContaining("2 id(s) but kwargs has 1") });
    expect(run({ ids: "punctuation:no_comma", kw: [{}] })).toMatchObject({ reason: "invalid_requirements" });
  });

  it("rejects a configuration that reads both from one field", () => {
    expect(() => createInstructionsJudge("x", { requirements: { field: "k" }, kwargs: { field: "k" }, mode: "strict" })).toThrow(/kwargs must name a different field/);
  });

  it("the checker's row validation names what is wrong", () => {
    expect(pairProblem(["a:b"], [null])).toBeNull();
    expect(pairProblem('["a:b"]', "[{}]")).toBeNull();
    expect(pairProblem(["a:b"], [])).toBe("1 id(s) but 0 kwargs object(s)");
    expect(pairProblem("a:b", [{}])).toBe("the ids are a string, not a list");
    expect(pairProblem([""], [{}])).toBe("id 0 is a string, not a non-empty string");
    expect(pairProblem(["a:b"], [[1]])).toBe("kwargs 0 is a list, not an object or null");
    expect(pairProblem(["a:b"], undefined)).toBe("the kwargs are absent, not a list");
  });
});
