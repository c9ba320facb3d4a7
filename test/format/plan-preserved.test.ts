/**
 * `align fmt` never changes meaning, checked where it matters: the plan. For every bundled
 * recipe and fixture, and for generated valid recipes with random layout and comments, the plan
 * compiled from the formatted text equals the plan compiled from the original, byte for byte
 * once provenance positions (line:col, which formatting moves on purpose) are set aside; the
 * provenance pointers and their default/declared status must match too. Formatting is also
 * idempotent on all of them, and the bundled recipes are kept in canonical form.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, fileSystemHost, memoryHost } from "../../compiler/index.js";
import { formatSource } from "../../compiler/format/index.js";
import { serializePlan } from "../../compiler/plan/serialize.js";

const REPO = resolve(import.meta.dirname, "../..");

function alignFiles(dir: string): string[] {
  return readdirSync(join(REPO, dir))
    .filter((f) => f.endsWith(".align"))
    .sort()
    .map((f) => join(REPO, dir, f));
}

/** The plan's bytes with each provenance position reduced to its file (or `default`). */
function planWithoutPositions(file: string, text: string, fallback = fileSystemHost()): string | undefined {
  const result = compile(file, { host: memoryHost({ [file]: text }, fallback) });
  if (result.plan === undefined) return undefined;
  const plan = JSON.parse(serializePlan(result.plan)) as { provenance: Record<string, string> };
  for (const [pointer, origin] of Object.entries(plan.provenance)) {
    plan.provenance[pointer] = origin === "default" ? origin : origin.replace(/:\d+:\d+$/, "");
  }
  return serializePlan(plan);
}

function diagnosticCodes(file: string, text: string, fallback = fileSystemHost()): string[] {
  return compile(file, { host: memoryHost({ [file]: text }, fallback) }).diagnostics.map((d) => d.code);
}

function formatted(file: string, text: string): string {
  const out = formatSource(text, file);
  expect(out.diagnostics, file).toEqual([]);
  return out.text!;
}

describe("formatting preserves the plan", () => {
  const files = [
    ...alignFiles("recipes"),
    ...alignFiles("test/fixtures/check/ok"),
    ...alignFiles("test/fixtures/check/err"),
    ...alignFiles("test/fixtures/syntax/ok"),
  ];

  it("covers the recipes and the fixtures", () => {
    expect(files.length).toBeGreaterThan(60);
  });

  for (const file of files) {
    const name = file.slice(REPO.length + 1);
    it(`${name}: idempotent, same plan, same diagnostics`, () => {
      const text = readFileSync(file, "utf8");
      const once = formatted(file, text);
      expect(formatted(file, once)).toBe(once);
      expect(planWithoutPositions(file, once)).toBe(planWithoutPositions(file, text));
      expect(diagnosticCodes(file, once)).toEqual(diagnosticCodes(file, text));
    });
  }

  it("the bundled recipes are in canonical form", () => {
    for (const file of alignFiles("recipes")) {
      const text = readFileSync(file, "utf8");
      expect(formatted(file, text), file).toBe(text);
    }
  });
});

// ---- generated valid recipes with random layout -------------------------------------------

const ROOT = "/virtual/gen.align";
const DATA = { "/virtual/data.jsonl": '{"prompt":"1+1=","answer":"2"}\n{"prompt":"2+3=","answer":"5"}\n' };

const gap = fc.constantFrom(" ", "  ", "\n", "\n\n", "\t", " # note {x} = [\n", "\n  # a comment\n  ");
const word = fc.stringMatching(/^[a-z]{1,8}$/);

type Tokens = string[];

const judgeDecl = (i: number): fc.Arbitrary<Tokens> =>
  fc.oneof(
    word.map((w) => ["judge", `j${i}`, "=", "regex", "{", "pattern", "=", JSON.stringify(w), "expect", "=", "no_match", "}"]),
    fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ["judge", `j${i}`, "=", "contains", "{", "values", "=", "[", ws.map((w) => JSON.stringify(w)).join(" , "), "]", "mode", "=", "any", "}"]),
    fc.integer({ min: 1, max: 500 }).map((n) => ["judge", `j${i}`, "=", "length", "{", "unit", "=", "words", "max", "=", String(n), "}"]),
  );

const recipeTokens: fc.Arbitrary<Tokens> = fc
  .record({
    judges: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => judgeDecl(i)))),
    seed: fc.integer({ min: 0, max: 1e6 }),
    generations: fc.integer({ min: 2, max: 16 }),
    klMax: fc.double({ min: 0.01, max: 1, noNaN: true }).map((x) => x.toFixed(3)),
    steps: fc.integer({ min: 1, max: 1000 }),
    timeout: fc.constantFrom("10s", "1m", "500ms", "1h"),
  })
  .map(({ judges, seed, generations, klMax, steps, timeout }) => {
    const judgeNames = judges.map((_, i) => `j${i}`);
    return [
      ...["recipe", "gen", "{", "seed", "=", String(seed), "}"],
      ...["model", "m", "{", "from", "=", "builtin", "(", "layers", "=", "2", ",", "width", "=", "32", ",", "heads", "=", "2", ",", "context", "=", "64", ")", "}"],
      ...["dataset", "d", "=", "jsonl", "(", '"data.jsonl"', ")", "{", "prompt", "=", '"prompt"', "answer", "=", '"answer"', "}"],
      ...["judge", "correct", "=", "math_answer", "{", "answer", "=", "field", "(", '"answer"', ")", "}"],
      ...["judge", "code", "=", "code_tests", "{", "tests", "=", "field", "(", '"answer"', ")", "timeout", "=", timeout, "}"],
      ...judges.flat(),
      ...["reward", "r", "{", "from", "=", "judge", "(", "correct", ")", "}"],
      ...["task", "t", "{", "prompts", "=", "[", "d", "]", "reward", "=", "r", "judges", "=", "[", judgeNames.join(" , "), "]"],
      ...["optimizer", "=", "crpg", "{", "generations", "=", String(generations), "kl_max", "=", klMax, "max_tokens", "=", "8", "}", "}"],
      ...["stage", "rl", "=", "cgpo", "{", "policy", "=", "m", "tasks", "=", "[", "t", "]", "steps", "=", String(steps), "}"],
      ...["stage", "report", "=", "eval", "{", "model", "=", "rl", ".", "model", "tasks", "=", "[", "t", "]", "max_tokens", "=", "8", "}"],
      ...["cluster", "{", "gpu", "=", "cpu", "}"],
    ];
  });

/** Joins tokens with random whitespace and comments (both insignificant between tokens). */
const laidOut = recipeTokens.chain((tokens) =>
  fc.array(gap, { minLength: tokens.length, maxLength: tokens.length }).map((gaps) => tokens.map((t, i) => t + gaps[i]).join("")),
);

describe("formatting preserves the plan of generated recipes", () => {
  const host = memoryHost(DATA);

  it("generated recipes compile to a plan", () => {
    fc.assert(
      fc.property(laidOut, (text) => {
        const result = compile(ROOT, { host: memoryHost({ [ROOT]: text }, host) });
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(result.planJson).toBeDefined();
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it("same plan bytes (provenance positions aside) before and after fmt, and fmt is idempotent", () => {
    fc.assert(
      fc.property(laidOut, (text) => {
        const once = formatted(ROOT, text);
        expect(formatted(ROOT, once)).toBe(once);
        expect(planWithoutPositions(ROOT, once, host)).toBe(planWithoutPositions(ROOT, text, host));
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});
