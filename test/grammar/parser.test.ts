import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { declarations, fieldValue, parseClean, stripSpans } from "./helpers.js";

describe("declarations", () => {
  it("reads KIND NAME = VARIANT(args) { fields }", () => {
    const [decl] = declarations(parseClean('dataset chat = jsonl("data/chat.jsonl") { prompt = "prompt"  reference = "chosen" }'));
    expect(stripSpans(decl)).toEqual({
      kind: "Declaration",
      declKind: { kind: "Identifier", name: "dataset" },
      name: { kind: "Identifier", name: "chat" },
      variant: { kind: "Identifier", name: "jsonl" },
      args: [{ kind: "Argument", value: { kind: "String", value: "data/chat.jsonl", raw: '"data/chat.jsonl"', multiline: false } }],
      hasParens: true,
      body: {
        kind: "Block",
        fields: [
          { kind: "Field", name: { kind: "Identifier", name: "prompt" }, form: "assign", value: { kind: "String", value: "prompt", raw: '"prompt"', multiline: false } },
          { kind: "Field", name: { kind: "Identifier", name: "reference" }, form: "assign", value: { kind: "String", value: "chosen", raw: '"chosen"', multiline: false } },
        ],
      },
      recovered: false,
    });
  });

  it("reads singletons, variants without a body, and bare declarations", () => {
    const decls = declarations(parseClean("cluster { nodes = 8 }\njudge m = math_answer\nmarker"));
    expect(decls.map((d) => [d.declKind.name, d.name?.name, d.variant?.name, d.body?.fields.length, d.hasParens])).toEqual([
      ["cluster", undefined, undefined, 1, false],
      ["judge", "m", "math_answer", undefined, false],
      ["marker", undefined, undefined, undefined, false],
    ]);
  });

  it("reads imports with and without alias, in order with declarations", () => {
    const doc = parseClean('import "a.align"\nrecipe r {}\nimport "b/c.align" as c');
    expect(doc.items.map((i) => (i.kind === "Import" ? `import ${i.path.value} ${i.alias?.name ?? "-"}` : i.declKind.name))).toEqual([
      "import a.align -",
      "recipe",
      "import b/c.align c",
    ]);
  });

  it("accepts `,` or `;` after fields and needs no separator at all", () => {
    const [decl] = declarations(parseClean("cluster { nodes = 8, gpus_per_node = 8; gpu = h100  x = 1 }"));
    expect(decl!.body!.fields.map((f) => f.name.name)).toEqual(["nodes", "gpus_per_node", "gpu", "x"]);
  });

  it("gives every node a span with 1-based line and column", () => {
    const doc = parseClean("model policy {\n  from = hf(\"x\", revision = \"main\")\n}\n");
    const decl = declarations(doc)[0]!;
    expect(decl.span).toEqual({ file: "test.align", offset: 0, length: 52, line: 1, column: 1 });
    const field = decl.body!.fields[0]!;
    expect(field.span).toMatchObject({ line: 2, column: 3, offset: 17, length: 33 });
    const call = field.value;
    expect(call.kind === "Call" && call.args[1]!.span).toMatchObject({ line: 2, column: 18, length: 17 });
    expect(call.kind === "Call" && call.args[1]!.name!.span).toMatchObject({ line: 2, column: 18, length: 8 });
  });
});

describe("values", () => {
  it("reads references and dotted paths", () => {
    expect(stripSpans(fieldValue("s x { m = finetune.model }", "m"))).toEqual({
      kind: "Reference",
      path: [
        { kind: "Identifier", name: "finetune" },
        { kind: "Identifier", name: "model" },
      ],
    });
  });

  it("reads calls with positional and named arguments", () => {
    const call = fieldValue('s x { d = render(analyze, template = file("p.txt"), target = "analysis") }', "d");
    expect(call.kind).toBe("Call");
    if (call.kind !== "Call") return;
    expect(call.hasParens).toBe(true);
    expect(call.args.map((a) => [a.name?.name, a.value.kind])).toEqual([
      [undefined, "Reference"],
      ["template", "Call"],
      ["target", "String"],
    ]);
  });

  it("reads the constructor form with and without parentheses", () => {
    const ctor = fieldValue("t x { optimizer = crpg { generations = 8  kl_max = 0.2 } }", "optimizer");
    expect(ctor).toMatchObject({ kind: "Call", hasParens: false, args: [], block: { fields: [{}, {}] } });
    const both = fieldValue('t x { d = jsonl("x") { prompt = "q" } }', "d");
    expect(both).toMatchObject({ kind: "Call", hasParens: true, args: [{}], block: { fields: [{ name: { name: "prompt" } }] } });
    const empty = fieldValue("t x { d = f() }", "d");
    expect(empty).toMatchObject({ kind: "Call", hasParens: true, args: [] });
  });

  it("reads lists (trailing comma allowed), nested lists and bare blocks", () => {
    expect(stripSpans(fieldValue("t x { l = [a, [1, 2,], {},] }", "l"))).toMatchObject({
      kind: "List",
      items: [{ kind: "Reference" }, { kind: "List", items: [{ value: 1 }, { value: 2 }] }, { kind: "Block", fields: [] }],
    });
  });

  it("reads the block form of a field", () => {
    const [decl] = declarations(parseClean("stage s { lora { rank = 16 }  epochs = 3 }"));
    expect(decl!.body!.fields.map((f) => [f.name.name, f.form, f.value.kind])).toEqual([
      ["lora", "block", "Block"],
      ["epochs", "assign", "Number"],
    ]);
  });

  it("ends a value at the next field name even without a separator", () => {
    const [decl] = declarations(parseClean("stage s { model = alpaca  prompts = red_team\n keep = violated(harmful) }"));
    expect(decl!.body!.fields.map((f) => f.value.kind)).toEqual(["Reference", "Reference", "Call"]);
  });
});

describe("robustness", () => {
  it("parses the empty file and a file of only comments", () => {
    expect(parse("", "e.align")).toMatchObject({ document: { items: [], comments: [] }, diagnostics: [] });
    expect(parse("# only\n# comments\n", "e.align").document.comments).toHaveLength(2);
  });

  it("handles very deep nesting with one error and no crash", () => {
    const deep = `recipe r { x = ${"[".repeat(5000)}${"]".repeat(5000)} }\nmodel ok {}`;
    const { diagnostics, document } = parse(deep, "d.align");
    expect(diagnostics.map((d) => d.code)).toEqual(["AL1007"]);
    expect(declarations(document).map((d) => d.declKind.name)).toEqual(["recipe", "model"]);
    expect(declarations(document)[1]!.recovered).toBe(false);
  });

  it("handles deep nesting that never closes", () => {
    const { diagnostics } = parse(`recipe r { x = ${"f(".repeat(20_000)}`, "d.align");
    expect(diagnostics.some((d) => d.code === "AL1007")).toBe(true);
  });

  // A complexity guard, not a speed target (speed is measured in bench/): linear parsing gives
  // about 20x here and a quadratic one about 400x, so the bound sits far from both and from the
  // noise of a loaded machine (min of three runs on each side).
  it("scales linearly: 20x the input takes well under 120x the time", () => {
    const chunk = 'model m { from = hf("x", revision = "y")  size = 80GiB  l = [1, 2, 3] }\n';
    const time = (n: number): number => {
      const text = chunk.repeat(n);
      const start = performance.now();
      parse(text, "s.align");
      return performance.now() - start;
    };
    const fastest = (n: number): number => Math.min(time(n), time(n), time(n));
    time(200);
    const small = fastest(250);
    const large = fastest(5_000);
    expect(large / small).toBeLessThan(120);
  });
});
