/**
 * The mistakes a new user makes (test/fixtures/mistakes/NN-<slug>.align: base.align with one
 * mistake each, named in its first line), checked with the whole compiler and rendered as
 * `align check` prints them; the output is compared with <case>.expected.txt beside each.
 *
 *   ALIGN_ACCEPT=1 npx vitest run test/compiler/mistakes.test.ts   rewrites the expected files
 *
 * and MISTAKES.txt, the tally: how many are caught, and how many with exactly one diagnostic.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderText, summary } from "../../compiler/diagnostics/render.js";
import { compile } from "../../compiler/index.js";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/mistakes");
const accept = process.env["ALIGN_ACCEPT"] === "1";
const cases = readdirSync(dir).filter((f) => /^\d+-.*\.align$/.test(f)).sort();

function check(name: string) {
  const result = compile(name, { cwd: dir });
  const text = renderText(result.diagnostics, (f) => result.sources.get(f), { color: false });
  // The fixture directory differs per checkout; the expected files say <fixtures>.
  const portable = text.split(dir).join("<fixtures>");
  return { diagnostics: result.diagnostics, text: `${portable}${summary(result.diagnostics) || "ok"}\n` };
}

describe("the mistakes fixture", () => {
  it("has at least 60 cases, on a base recipe that checks clean", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(check("base.align").diagnostics).toEqual([]);
  });

  const tally: string[] = [];
  for (const name of cases) {
    it(name, () => {
      const { diagnostics, text } = check(name);
      const expectedFile = path.join(dir, name.replace(/\.align$/, ".expected.txt"));
      if (accept) writeFileSync(expectedFile, text);
      expect(existsSync(expectedFile), `${expectedFile} is missing (ALIGN_ACCEPT=1 writes it)`).toBe(true);
      expect(text).toBe(readFileSync(expectedFile, "utf8"));
      tally.push(`${name}\t${diagnostics.length}`);
    });
  }

  it("tallies caught and one-diagnostic cases in MISTAKES.txt", () => {
    const counts = cases.map((name) => check(name).diagnostics.length);
    const caught = counts.filter((n) => n > 0).length;
    const one = counts.filter((n) => n === 1).length;
    const lines = [`cases: ${cases.length}`, `caught: ${caught}`, `exactly one diagnostic: ${one}`, "",
      ...cases.map((name, i) => `${String(counts[i]).padStart(2)}  ${name}`)];
    const file = path.join(dir, "MISTAKES.txt");
    if (accept) writeFileSync(file, `${lines.join("\n")}\n`);
    expect(`${lines.join("\n")}\n`).toBe(readFileSync(file, "utf8"));
  });
});
