import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format/index.js";
import { parse } from "../../grammar/index.js";
import { stripSpans } from "../grammar/helpers.js";

const fmt = (text: string): string => {
  const result = formatSource(text, "t.align");
  if (result.text === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.text;
};

describe("layout", () => {
  it("puts one field per line in multi-line blocks with 2-space indentation", () => {
    expect(fmt("recipe r {\nseed = 1  name = \"x\"\n}")).toBe('recipe r {\n  seed = 1\n  name = "x"\n}\n');
  });

  it("keeps a short one-line block on one line, with two spaces between fields", () => {
    expect(fmt("cluster {nodes=8,gpus_per_node=8;}")).toBe("cluster { nodes = 8  gpus_per_node = 8 }\n");
    expect(fmt("stage s {\n  lora {rank=16}\n}")).toBe("stage s {\n  lora { rank = 16 }\n}\n");
  });

  it("breaks a one-line block that does not fit in 80 columns", () => {
    const long = `model policy { from = hf("meta-llama/Meta-Llama-3-70B", revision = "main")  dtype = bf16 }`;
    expect(fmt(long)).toBe('model policy {\n  from = hf("meta-llama/Meta-Llama-3-70B", revision = "main")\n  dtype = bf16\n}\n');
  });

  it("breaks lists and arguments one item per line with a trailing comma when they do not fit", () => {
    const text = `task t { judges = [math_answer_judge, unit_tests_judge, false_refusal_judge, safety_judge_v2] }`;
    expect(fmt(text)).toBe(
      "task t {\n  judges = [\n    math_answer_judge,\n    unit_tests_judge,\n    false_refusal_judge,\n    safety_judge_v2,\n  ]\n}\n",
    );
    const call = `model m { from = endpoint("http://judge.internal.example:8000/v1", model = "llama-3-70b-instruct") }`;
    expect(fmt(call)).toBe(
      'model m {\n  from = endpoint(\n    "http://judge.internal.example:8000/v1",\n    model = "llama-3-70b-instruct",\n  )\n}\n',
    );
  });

  it("joins a list that fits and drops its trailing comma", () => {
    expect(fmt("task t {\n  l = [\n    a,\n    b,\n  ]\n}")).toBe("task t {\n  l = [a, b]\n}\n");
  });

  it("puts exactly one blank line between top-level declarations", () => {
    expect(fmt("recipe a {}\n\n\n\nrecipe b {}\nrecipe c {}")).toBe("recipe a {}\n\nrecipe b {}\n\nrecipe c {}\n");
  });

  it("keeps imports together and one blank line before the first declaration", () => {
    expect(fmt('import "a.align"\nimport "b.align" as b\nrecipe r {}')).toBe('import "a.align"\nimport "b.align" as b\n\nrecipe r {}\n');
  });

  it("keeps at most one blank line between fields, where the user had one", () => {
    expect(fmt("task t {\n  a = 1\n\n\n  b = 2\n  c = 3\n}")).toBe("task t {\n  a = 1\n\n  b = 2\n  c = 3\n}\n");
  });

  it("prints strings, numbers and units exactly as written", () => {
    const text = 'task t {\n  s = "a\\tb \\u{41}"\n  n = 70_000_000_000\n  e = 5E-7\n  d = 1.5h\n  z = 80GiB\n}\n';
    expect(fmt(text)).toBe(text);
  });

  it("keeps a multi-line string's text byte for byte", () => {
    const text = 'judge j = llm_judge {\n      template = """\n    Question: {prompt}\n      Answer: {response}\n    """\n}\n';
    const out = fmt(text);
    expect(out).toContain('template = """\n    Question: {prompt}\n      Answer: {response}\n    """');
    expect(stripSpans(parse(out, "t.align").document)).toEqual(stripSpans(parse(text, "t.align").document));
  });

  it("prints the constructor and call forms", () => {
    expect(fmt("task t { o = crpg {generations=8} d = jsonl(\"x\"){ p = \"q\" } e = f() }")).toBe(
      'task t { o = crpg { generations = 8 }  d = jsonl("x") { p = "q" }  e = f() }\n',
    );
  });
});

describe("comments", () => {
  it("keeps leading and trailing comments in place", () => {
    const text = [
      "# header",
      "",
      "# about the model",
      "model policy {",
      "  # about dtype",
      "  dtype = bf16  # trailing",
      "  size = 8e9 # another",
      "  # before the end",
      "}",
      "# at the end",
      "",
    ].join("\n");
    // A declaration is always followed by one blank line, comments included.
    expect(fmt(text)).toBe(text.replace("size = 8e9 # another", "size = 8e9  # another").replace("}\n#", "}\n\n#"));
  });

  it("breaks a block or list that holds a comment", () => {
    expect(fmt("task t { a = 1 # why\n}")).toBe("task t {\n  a = 1  # why\n}\n");
    expect(fmt("task t { l = [a, # first\n b] }")).toBe("task t {\n  l = [\n    a,  # first\n    b,\n  ]\n}\n");
  });

  it("keeps a comment after an opening brace on its line", () => {
    expect(fmt("task t { # note\n  a = 1\n}")).toBe("task t {  # note\n  a = 1\n}\n");
  });

  it("moves a comment from inside a field's tokens above the field, never dropping it", () => {
    const out = fmt("task t {\n  a # odd place\n  = 1\n}");
    expect(out).toBe("task t {\n  # odd place\n  a = 1\n}\n");
  });

  it("keeps every comment exactly once", () => {
    const text = readFileSync(join(import.meta.dirname, "../fixtures/syntax/ok/forms.align"), "utf8");
    const before = parse(text, "t.align").document.comments.map((c) => c.text.trim());
    const after = parse(fmt(text), "t.align").document.comments.map((c) => c.text.trim());
    expect(after).toEqual(before);
  });
});

describe("safety", () => {
  it("refuses a file with syntax errors and returns its diagnostics", () => {
    const result = formatSource("model policy { dtype bf16 }", "t.align");
    expect(result.text).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["AL1004"]);
  });

  it("formats the empty file to the empty file", () => {
    expect(fmt("")).toBe("");
    expect(fmt("\n\n")).toBe("");
  });

  const root = join(import.meta.dirname, "../fixtures/syntax/ok");
  it.each(readdirSync(root).filter((f) => f.endsWith(".align")))("%s: idempotent and meaning-preserving", (name) => {
    const text = readFileSync(join(root, name), "utf8");
    const once = fmt(text);
    expect(fmt(once)).toBe(once);
    expect(stripSpans(parse(once, name).document)).toEqual(stripSpans(parse(text, name).document));
    for (const line of once.split("\n")) {
      if (!line.includes('"""') && !line.includes("#")) expect(line.length, line).toBeLessThanOrEqual(100);
    }
  });
});
