/**
 * The fast path of `parse` (grammar/wellFormed.ts) against the full parser: wherever the fast
 * path answers, the full parser finds no syntax error and builds the same Document, byte for
 * byte as JSON (shapes, spans, key order); wherever the full parser reports an error, the fast
 * path declines. Checked on every `.align` file in the repository, a generated recipe, and
 * seeded mutations of the recipes (the grammar fuzzer's), valid and broken.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseWithRecovery } from "../../grammar/index.js";
import { parseWellFormed } from "../../grammar/wellFormed.js";
import { generateRecipe } from "../../bench/lib/generateRecipe.js";
import { mutate, rng } from "../support/mutate.js";

const root = path.join(import.meta.dirname, "../..");

function alignFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const relative = path.join(dir, e.name);
    if (e.isDirectory()) return alignFiles(relative);
    return e.name.endsWith(".align") ? [relative] : [];
  });
}

/** Undefined when the fast path declined; otherwise what differs from the full parse, or "same". */
function compare(text: string, file: string): "declined" | "same" | string {
  const fast = parseWellFormed(text, file);
  if (fast === undefined) return "declined";
  const full = parseWithRecovery(text, file);
  if (full.diagnostics.length > 0) return `fast path took a file with ${full.diagnostics[0]!.code} ${full.diagnostics[0]!.message}`;
  const a = JSON.stringify(fast);
  const b = JSON.stringify(full.document);
  if (a === b) return "same";
  let i = 0;
  while (a[i] === b[i]) i++;
  return `documents differ at JSON offset ${i}: fast …${a.slice(Math.max(0, i - 80), i + 80)}… full …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

const files = [...alignFiles("recipes"), ...alignFiles("test/fixtures")].sort();

describe("the well-formed fast path builds the full parser's Document", () => {
  it.each(files)("%s", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const result = compare(text, file);
    expect(result === "same" || result === "declined", result).toBe(true);
    // A file the full parser finds clean should take the fast path, or the path has decayed.
    if (file.startsWith("recipes/")) expect(result).toBe("same");
  });

  it("takes a generated recipe of every kind the benchmark writes", () => {
    expect(compare(generateRecipe(200_000).align, "generated.align")).toBe("same");
  });

  // Corners where the grammar is loose: a name on the next line, a call's arguments or block on
  // the next line, a declaration that ends where a name follows on its line, separators, a BOM.
  it.each([
    "model\nx = y",
    "a b\nc d",
    "a b c\n",
    "a = b c",
    "a { b = c\n(d) }",
    "a { b = c\n{ d = 1 } }",
    "a { b = [c\n, d] }",
    "a x = y(1,)\n",
    "a { b = c.d.e(f = 1, g) { h = [] } ; i { } , }",
    'import "x" as y\nimport """z"""',
    'a { b = """\nx\n""" c = 2 }',
    "a { b = 1e5 c = 2 }",
    "\uFEFFa {\f b = 1 }",
    // The fast path's own scanner: numbers it cuts by hand or by the lexer's pattern, escapes,
    // `"""` closed by its first three quotes, a comment at the end of the file, a unit after a
    // space that starts the next field instead.
    "",
    "a { b = 1 } # end",
    "a { b = 10 s = 1 }",
    "a { b = 10\ts { c = 1 } }",
    "a { b = 1_000 c = 1.5h d = 5e-7 e = 80GiB f = -3 g = -0 h = 0001 i = 9999999999999999999999 }",
    'a { b = "x\\"y" c = "" }',
    'a { b = """\n  x\\"""\n  """ }',
    "a { b = f(x = true, y) }",
    // Lists of every length (up to four are copied out one way, longer ones another) closing
    // inside lists of other lengths, on the one stack of pending items.
    "a { l = [[], [1], [1, [2, 3], 4], [1, 2, 3, 4], [1, 2, 3, 4, 5, [6]]] f = g(1, h(2, 3, 4, 5, 6), k()) p = q.r.s.t.u.v }",
  ])("takes %j as the full parser does", (text) => {
    expect(compare(text, "corner.align")).toBe("same");
  });

  it.each([
    "a { b = 10 s }",
    "a { b = 10x }",
    "a { b = -x }",
    "a { b = 1. }",
    'a { b = "x\\qy" }',
    'a { b = """x"""" }',
    'a { b = "x\n" }',
    "a { b = caf\u00e9 }",
    "a { b = 1 }\u2028",
    `a { b = ${"9".repeat(400)} }`,
    "a { b = c.true }",
    "a { b = f(true = 1) }",
    "a as { }",
    "a { b = 12abc }",
  ])("declines %j", (text) => {
    expect(compare(text, "corner.align")).toBe("declined");
  });

  it.each(["a { b = -1 s }", "a {\nb = c\nd e\n}", "a { b = 'x' }", "a { b: 1 }", "a { b = 1 }\r\n", "judge x math_answer {}"])("declines %j", (text) => {
    expect(compare(text, "corner.align")).toBe("declined");
  });

  it("agrees on 3,000 seeded mutations of the recipes, and declines every broken one", () => {
    const sources = alignFiles("recipes").map((f) => readFileSync(path.join(root, f), "utf8"));
    const counts = { same: 0, declined: 0 };
    for (let n = 0; n < 3000; n++) {
      const text = mutate(sources[n % sources.length]!, rng(n));
      const result = compare(text, "mutant.align");
      expect(result === "same" || result === "declined", `mutant ${n}: ${result}`).toBe(true);
      counts[result as "same" | "declined"]++;
    }
    // Both sides of the fence are exercised: valid mutants taken fast, broken ones declined.
    expect(counts.same).toBeGreaterThan(100);
    expect(counts.declined).toBeGreaterThan(1000);
  });

  it("parse() answers a clean file from the fast path and a broken one with the full parser's errors", () => {
    const clean = 'model m {\n  from = hf("org/m")\n}\n';
    expect(parse(clean, "a.align")).toEqual({ document: parseWithRecovery(clean, "a.align").document, diagnostics: [] });
    const broken = 'model m {\n  from = hf("org/m"\n}\n';
    expect(parseWellFormed(broken, "b.align")).toBeUndefined();
    expect(parse(broken, "b.align").diagnostics.map((d) => d.code)).toEqual(parseWithRecovery(broken, "b.align").diagnostics.map((d) => d.code));
    expect(parse(broken, "b.align").diagnostics.length).toBeGreaterThan(0);
  });
});
