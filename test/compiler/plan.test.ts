import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { planSchema } from "../../compiler/plan/schema.js";
import { compileFiles, compileText } from "./helpers.js";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/check/ok");
const full = () => compile("full-recipe.align", { cwd: fixtures });

/** Every leaf (scalar or empty container) of the declaration sections, as JSON Pointers. */
function leaves(value: unknown, pointer: string, out: string[] = []): string[] {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.push(pointer);
    for (const [k, v] of entries) leaves(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
  } else {
    out.push(pointer);
  }
  return out;
}

describe("plan", () => {
  it("is byte-identical across compilations", () => {
    const a = full();
    const b = full();
    expect(a.hasErrors).toBe(false);
    expect(a.planJson).toBeDefined();
    expect(a.planJson).toBe(b.planJson);
  });

  it("matches the plan schema (docs/plan.schema.json)", () => {
    const plan = JSON.parse(full().planJson!);
    const parsed = planSchema.safeParse(plan);
    expect(parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe("");
  });

  it("records provenance for every leaf of the declaration sections", () => {
    const plan = JSON.parse(full().planJson!);
    const sections = ["recipe", "models", "rewards", "datasets", "judges", "tasks", "stages", "cluster", "launch"];
    const expected = sections.flatMap((s) => leaves(plan[s], `/${s}`)).sort();
    expect(Object.keys(plan.provenance).sort()).toEqual(expected);
    for (const origin of Object.values(plan.provenance)) expect(origin).toMatch(/^(default|[^:]+\.align:\d+:\d+)$/);
    expect(plan.provenance["/tasks/reasoning/weight"]).toBe("full-recipe.align:24:12");
    expect(plan.provenance["/tasks/reasoning/optimizer/temperature"]).toBe("default");
    expect(plan.provenance["/models/policy/from/layers"]).toBe("shared/common.align:2:40");
  });

  it("keeps sections in schema order and maps sorted", () => {
    const plan = JSON.parse(full().planJson!);
    expect(Object.keys(plan)).toEqual([
      "version", "compiler", "recipe", "models", "rewards", "datasets", "judges", "tasks", "stages",
      "stage_order", "cluster", "launch", "estimates", "provenance",
    ]);
    expect(Object.keys(plan.models)).toEqual([...Object.keys(plan.models)].sort());
    expect(Object.keys(plan.launch)).toEqual(["local", "slurm"]);
  });

  it("resolves imports, stage outputs and paths relative to the root", () => {
    const plan = JSON.parse(full().planJson!);
    expect(plan.judges["j.exact"].variant).toBe("math_answer");
    expect(plan.tasks.reasoning.judges).toEqual([{ judge: "j.exact" }, { judge: "refusal" }]);
    expect(plan.datasets.qa.path).toBe("../data/qa.jsonl");
    expect(plan.datasets.qa.fields).toEqual({ answer: "answer", prompt: "question", reference: "reference" });
    expect(plan.judges.refusal.template.file).toBe("../prompts/refusal.txt");
    expect(plan.judges.refusal.template.slots).toEqual(["prompt", "response"]);
    expect(plan.models.judge_llm.from.api_key).toEqual({ env: "JUDGE_KEY" });
    expect(plan.stages.sample.model).toEqual({ stage: "train", output: "model" });
    expect(plan.stages.sample.keep).toEqual({ type: "satisfied", judges: ["j.exact"] });
    expect(plan.stages.tune.data[0].render.from).toEqual({ stage: "sample", output: "dataset" });
    expect(plan.stages.tune.lora).toEqual({ rank: 8, alpha: 32, dropout: 0.05, targets: ["q_proj", "v_proj"] });
    expect(plan.stages.report.needs).toEqual(["tune"]);
    expect(plan.stage_order).toEqual(["train", "sample", "tune", "report"]);
  });

  it("fills every default (durations in seconds, sizes in bytes)", () => {
    const plan = compileText("judge t = code_tests { }\nmodel m { from = builtin() }\n").plan!;
    const judge = plan.judges["t"];
    expect(judge).toMatchObject({ variant: "code_tests", timeout: 10, memory: 512 * 1024 * 1024, on_error: "violated", scope: null });
    expect(plan.models["m"]).toMatchObject({ dtype: "fp32", lora: null, gradient_checkpointing: false });
    expect(plan.models["m"]!.params).toBeGreaterThan(0);
    expect(plan.recipe).toEqual({ name: "main", seed: 0, file: "main.align", description: "", output_dir: "runs", max_judge_error_rate: 0.1, tracking: null });
    expect(plan.cluster).toEqual({ nodes: 1, gpus_per_node: 0, cpu_ranks: 1, gpu: "cpu", gpu_memory: null, sharding: "auto" });
  });

  it("leaves ill-typed declarations out and exposes spans by pointer", () => {
    const result = compileFiles({ "main.align": 'model a { from = builtin() }\nmodel b { from = builtin()  dtype = bf61 }\n' });
    expect(Object.keys(result.plan!.models)).toEqual(["a"]);
    expect(result.planJson).toBeUndefined();
    expect(result.spans.get("/models/a/from")).toMatchObject({ line: 1, column: 18 });
    expect(result.spans.get("/models/a/dtype")).toMatchObject({ line: 1, column: 1 });
  });

  it("writes provenance in pointer order where one name begins another (`j`, `j.x`) and past item 9", () => {
    const values = Array.from({ length: 11 }, (_, i) => `"v${i}"`).join(", ");
    const result = compileFiles({
      "main.align": `import "more.align" as j\njudge j = contains { values = [${values}] }\n`,
      "more.align": 'judge x = contains { values = ["a"] }\n',
    });
    expect(result.hasErrors).toBe(false);
    const pointers = Object.keys(JSON.parse(result.planJson!).provenance);
    expect(pointers).toEqual([...pointers].sort());
    // "/judges/j.x/..." sorts before "/judges/j/..." ('.' < '/'), though `j` sorts before `j.x`.
    expect(pointers.indexOf("/judges/j.x/values/0")).toBeLessThan(pointers.indexOf("/judges/j/mode"));
    expect(pointers.indexOf("/judges/j/values/10")).toBeLessThan(pointers.indexOf("/judges/j/values/2"));
  });

  it("points a defaulted value at its own declaration's header, in an imported file too", () => {
    const result = compileFiles({
      "main.align": 'import "more.align"\nmodel a { from = builtin() }\n',
      "more.align": '\n\nmodel b { from = builtin() }\n',
    });
    expect(result.hasErrors).toBe(false);
    expect(result.spans.get("/models/a/lora")).toMatchObject({ file: "main.align", line: 2, column: 1, length: "model a".length });
    expect(result.spans.get("/models/b/lora")).toMatchObject({ file: "more.align", line: 3, column: 1, length: "model b".length });
    expect(result.spans.get("/models/b/from/layers")).toMatchObject({ file: "more.align", line: 3, column: 1 });
    const provenance = JSON.parse(result.planJson!).provenance;
    expect([provenance["/models/b/lora"], provenance["/models/b/from"]]).toEqual(["default", undefined]);
  });
});

describe("nested blocks", () => {
  // convertFields keeps the written entries of each block in a scratch array per nesting depth:
  // a block converted inside another must neither lose nor take its owner's entries.
  it("keep the fields written after them in their owner, and each block reports its own duplicates", () => {
    const result = compileText(
      [
        "model m {",
        "  lora { rank = 8  targets = [\"q_proj\"] }",
        "  gradient_checkpointing = true",
        "  from = hf(\"org/m\", revision = \"v2\")",
        "  chat_template = none",
        "  dtype = fp16",
        "}",
        "model n {",
        "  from = hf(\"org/n\")",
        "  lora { rank = 4  rank = 2 }",
        "  dtype = fp32",
        "  dtype = bf16",
        "}",
        "",
      ].join("\n"),
    );
    const dup = result.diagnostics.filter((d) => d.code === "AL3009").map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`);
    expect(dup).toEqual([
      "10:20 `rank` is written more than once in `lora`",
      "12:3 `dtype` is written more than once in model `n`",
    ]);
    const m = (result.plan!.models as Record<string, Record<string, unknown>>)["m"]!;
    expect(m["from"]).toMatchObject({ type: "hf", id: "org/m", revision: "v2" });
    expect(m["dtype"]).toBe("fp16");
    expect(m["gradient_checkpointing"]).toBe(true);
    expect(m["lora"]).toMatchObject({ rank: 8, alpha: 32, targets: ["q_proj"] });
    expect(m["chat_template"]).toEqual({ type: "none" });
  });
});
