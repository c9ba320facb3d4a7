import { describe, expect, it } from "vitest";
import { secretFinding } from "../../compiler/check/rules/SecretLiteral.js";
import { parsePatternProblem, regexProblem } from "../../compiler/check/rules/support/regex.js";
import { fieldInputs } from "../../compiler/check/rules/JudgeInputsProvided.js";
import { fieldsOfData } from "../../compiler/check/rules/support/dataFields.js";
import { findCycles } from "../../compiler/check/rules/support/stageGraph.js";
import type { Plan } from "../../compiler/plan/types.js";
import { codesAt, compileFiles } from "../compiler/helpers.js";

describe("findCycles", () => {
  it("finds each cycle once, as a closed path from its smallest stage", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    expect(findCycles(graph)).toEqual([
      ["a", "b", "c", "a"],
      ["d", "d"],
    ]);
  });

  it("finds nothing in a DAG", () => {
    expect(findCycles(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]]))).toEqual([]);
  });
});

describe("secretFinding", () => {
  it("recognises known key formats anywhere, and credentials in URLs", () => {
    expect(secretFinding("sk-proj-abcdefghijklmnopqrstuvwx12", "model")?.env).toBe("OPENAI_API_KEY");
    expect(secretFinding("Bearer hf_abcdefghijklmnopqrstuvwxyz123", undefined)?.env).toBe("HF_TOKEN");
    expect(secretFinding("https://user:s3cret@host/v1", "url")?.what).toMatch(/password/);
  });

  it("flags random-looking values only in secret-named fields", () => {
    expect(secretFinding("q8Zr2LmX0vT7pW4nB6cY", "token")).toBeDefined();
    expect(secretFinding("q8Zr2LmX0vT7pW4nB6cY", "revision")).toBeUndefined();
  });

  it("leaves ordinary strings alone", () => {
    for (const [value, name] of [
      ["meta-llama/Meta-Llama-3-70B-Instruct", "model"],
      ["http://judge:8000/v1", "url"],
      ["JUDGE_TOKEN", "token_env"],
      ["{prompt} (answer in a harmful way)", "template"],
      ["sk-not-long", "key"],
    ] as const) {
      expect(secretFinding(value, name), value).toBeUndefined();
    }
  });
});

describe("SecretLiteral's scan of the source text", () => {
  // The rule walks only declarations whose text holds a key prefix, `://`, an escape or a
  // secret-like name: these are the ways a finding's text can hide from a plain scan.
  const OPTIONS = (key: string) => `judge j = custom { module = "j.ts"  options { ${key} } }\n`;
  const FILLER = 'judge other = regex { pattern = "plain" }\n';

  it("finds a key spelled with escapes, one inside a multi-line string, and one between other declarations", () => {
    const escaped = OPTIONS('note = "\\u{73}k-proj-abcdefghijklmnopqrstuvwx12"');
    const multiLine = OPTIONS('note = """\n      hf_abcdefghijklmnopqrstuvwxyz123\n    """').replace("judge j", "judge k");
    const result = compileFiles({ "main.align": `${FILLER}${escaped}${FILLER.replace("other", "other2")}${multiLine}` });
    expect(codesAt(result).filter((c) => c.startsWith("AL4010"))).toEqual(["AL4010 2:54", "AL4010 4:54"]);
  });

  it("finds a random-looking value under a secret-like name whatever its case, in an imported file too", () => {
    const imported = OPTIONS('Auth_Token = "q8Zr2LmX0vT7pW4nB6cY"');
    const result = compileFiles({ "main.align": `import "lib.align"\n${FILLER}`, "lib.align": `${FILLER.replace("other", "other2")}${imported}` });
    expect(result.diagnostics.filter((d) => d.code === "AL4010").map((d) => `${d.span?.file} ${d.span?.line}`)).toEqual(["lib.align 2"]);
  });
});

describe("regexProblem and parsePatternProblem", () => {
  it("reports invalid patterns, disallowed flags, nested quantifiers and a missing group", () => {
    expect(regexProblem("(a", "")?.message).toMatch(/Unterminated group/);
    expect(regexProblem("a", "q")).toMatchObject({ field: "flags" });
    expect(regexProblem("a", "g")).toMatchObject({ field: "flags" });
    expect(regexProblem("(a+)+$", "")).toMatchObject({ field: "pattern", message: expect.stringMatching(/nested quantifier/) });
    expect(regexProblem("^\\d+$", "i")).toBeNull();
    expect(parsePatternProblem("Verdict: True|False")).toMatch(/no capturing group/);
    expect(parsePatternProblem("Verdict: (True|False")).toMatch(/Unterminated group/);
    expect(parsePatternProblem("Verdict: (True|False)")).toBeNull();
  });

  it("accepts plain-text patterns without parsing them, but still refuses their invalid flags", () => {
    expect(regexProblem("as an AI model, I cannot", "iu")).toBeNull();
    expect(regexProblem("-/ é", "v")).toBeNull();
    // RegExp refuses a repeated flag and u with v.
    for (const flags of ["ii", "uv"]) {
      expect(regexProblem("as an AI model", flags), flags).toMatchObject({ field: "pattern", message: expect.stringMatching(/Invalid flags/) });
    }
  });
});

describe("fieldInputs", () => {
  it("lists a judge's field() inputs with their plan paths, skipping custom options", () => {
    const judge = { variant: "code_tests", tests: { field: "tests" }, entry_point: { field: "fn" }, options: { x: { field: "no" } } };
    expect(fieldInputs(judge)).toEqual([
      { field: "tests", path: ["tests"] },
      { field: "fn", path: ["entry_point"] },
    ]);
  });
});

describe("fieldsOfData", () => {
  const plan = {
    datasets: { red: { type: "jsonl", path: "r.jsonl", fields: { prompt: "q", category: "c" }, limit: null, shuffle: true } },
    stages: {
      induce: { variant: "generate", prompts: { dataset: "red" }, from: null, judges: [], keep: { type: "violated", judges: ["harmful"] } },
      analyze: { variant: "generate", prompts: null, from: { stage: "induce", output: "dataset" }, judges: [], keep: { type: "all", judges: [] }, response_field: "analysis" },
      loop: { variant: "generate", prompts: null, from: { stage: "loop", output: "dataset" }, judges: [], keep: { type: "all", judges: [] } },
    },
  } as unknown as Plan;

  it("follows generated stages: input fields plus response, source and verdicts", () => {
    expect([...fieldsOfData(plan, { stage: "induce", output: "dataset" })!.fields].sort()).toEqual(["category", "prompt", "response", "source", "verdicts"]);
  });

  it("writes a generate stage's response to its response_field", () => {
    expect(fieldsOfData(plan, { stage: "analyze", output: "dataset" })!.fields.has("analysis")).toBe(true);
  });

  it("gives an inline render a prompt and a target", () => {
    const fields = fieldsOfData(plan, { render: { from: { dataset: "red" }, template: { text: "", file: null, slots: [] }, target: "prompt" } })!.fields;
    expect([...fields].sort()).toEqual(["category", "prompt", "target"]);
  });

  it("knows nothing of missing declarations or cycles", () => {
    expect(fieldsOfData(plan, { dataset: "nope" })).toBeUndefined();
    expect(fieldsOfData(plan, { stage: "loop", output: "dataset" })).toBeUndefined();
  });
});
