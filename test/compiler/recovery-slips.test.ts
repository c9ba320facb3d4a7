/**
 * One slip, one diagnostic: each named slip in an otherwise valid recipe yields exactly one
 * error, through the whole compiler (parser, checker, rules), at the slip's own token.
 */
import { describe, expect, it } from "vitest";
import { compile, memoryHost } from "../../compiler/index.js";

const BASE = `recipe r { seed = 1 }
model m { from = builtin(layers = 2, width = 64, heads = 4, context = 32) }
dataset d = jsonl("d.jsonl") { prompt = "prompt"  answer = "answer"  target = "target" }
judge exact = math_answer { answer = field("answer") }
stage s = sft { model = m  data = [d]  lr = 1e-3 }
cluster { gpus_per_node = 0 }
launch slurm { partition = "gpu"  time = 2h }
stage e = eval { model = s.model  prompts = d  judges = [exact]  max_tokens = 8 }
`;
const DATA = '{"prompt": "1+1=", "answer": "2", "target": "2"}\n';

function diagnose(text: string) {
  const host = memoryHost({ "/w/r.align": text, "/w/d.jsonl": DATA });
  return compile("/w/r.align", { host }).diagnostics;
}

/** [name, text to replace in BASE, replacement, the token the one error must point at]. */
const SLIPS: Array<[string, string, string, string]> = [
  ["a doubled exponent sign", "lr = 1e-3", "lr = 1e--6", "1e--6"],
  ["an unterminated triple-quoted string", 'partition = "gpu"', 'partition = """gpu', '"""'],
  ["a space before a unit", "time = 2h", "time = 10 s", "10 s"],
  ["a unit spelt out", "time = 2h", "time = 4 hours", "4 hours"],
  ["verl's dotted key", "lr = 1e-3", "actor.optim.lr = 1e-3", "."],
  ["Python's triple single quotes", 'partition = "gpu"', "partition = '''gpu'''", "'''gpu'''"],
  ["a // comment", "cluster {", "// CPU only\ncluster {", "//"],
  ["a hub id without quotes", 'partition = "gpu"', "partition = gpu/a100", "gpu/a100"],
  ["YAML's dash list", "data = [d]", "data:\n    - d\n ", ":"],
  ["single quotes", 'partition = "gpu"', "partition = 'gpu'", "'gpu'"],
  ["a missing = after a judge name", "judge exact = math_answer {", "judge exact math_answer {", "math_answer"],
  ["YAML's key: value", "lr = 1e-3", "lr: 1e-3", ":"],
  ["a number that underflows", "lr = 1e-3", "lr = 1e-400", "1e-400"],
  ["a number that overflows", "lr = 1e-3", "lr = 1e400", "1e400"],
  ["a doubled plus sign", "lr = 1e-3", "lr = 1e+-3", "1e+-3"],
];

describe("one slip, one diagnostic", () => {
  it("the base recipe is clean", () => {
    expect(diagnose(BASE)).toEqual([]);
  });

  for (const [name, from, to, token] of SLIPS) {
    it(name, () => {
      expect(BASE).toContain(from);
      const text = BASE.replace(from, to);
      const diagnostics = diagnose(text);
      expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
      const [d] = diagnostics;
      expect(d?.severity).toBe("error");
      expect(d?.span?.offset).toBe(text.indexOf(token, text.indexOf(to)));
    });
  }
});

describe("order and bounds", () => {
  it("prints errors before warnings, whatever their positions", () => {
    const text = `judge unused = math_answer { answer = field("answer") }\n${BASE}`.replace("lr = 1e-3", "lr = -1");
    expect(diagnose(text).map((d) => [d.severity, d.code])).toEqual([["error", "AL3006"], ["warning", "AL4009"]]);
  });

  it("semantic rules skip a declaration the parser recovered", () => {
    // The bounds alone would be AL4013; with a syntax error inside, only the syntax error shows.
    const clean = `${BASE}judge short = length { min = 10  max = 5 }\nstage e2 = eval { model = s.model  prompts = d  judges = [short]  max_tokens = 8 }\n`;
    expect(diagnose(clean).map((d) => d.code)).toEqual(["AL4013"]);
    const broken = clean.replace("max = 5 }", "max = 5  @ }");
    expect(diagnose(broken).map((d) => d.code)).toEqual(["AL1001"]);
  });

  it("a unit-like block name after a number is a block, even past a comment and a line break", () => {
    // `s` and `h` are units: `10 s` is one slip, but `steps = 10  s { }` names a block `s`.
    for (const gap of [" ", "  # note\n", "\n\n"]) {
      const text = BASE.replace("lr = 1e-3", `lr = 1e-3  h${gap}{ rank = 4 }`);
      expect(diagnose(text).map((d) => d.code)).not.toContain("AL1003");
    }
  });

  it("caps the diagnostics of an error-dense file", () => {
    const text = `${BASE}${Array.from({ length: 3000 }, (_, i) => `judge j${i} = math_answer { answer = 1x }`).join("\n")}\n`;
    const diagnostics = diagnose(text);
    expect(diagnostics.filter((d) => d.severity === "error").length).toBeLessThanOrEqual(101);
    expect(diagnostics.length).toBeLessThanOrEqual(201);
  });
});
