/**
 * Whole-compiler fuzzing: 10,000 mutations of the bundled recipes go through parse, resolve,
 * type checking, every rule and plan lowering. Each must end in diagnostics or a plan, never
 * throw, and finish well under a second; every diagnostic must be a registered code whose span
 * lies inside the file. Seeded: a failure names the case number that reproduces it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, fileSystemHost, memoryHost } from "../../compiler/index.js";
import { allCodes } from "../../compiler/diagnostics/codes.js";
import { mutate, rng } from "../support/mutate.js";

const CASES = 10_000;
const RECIPES = ["tiny", "mistakes-alpaca", "mistakes-hijack", "cgpo"].map((name) => {
  const file = resolve(import.meta.dirname, "../../recipes", `${name}.align`);
  return { file, text: readFileSync(file, "utf8") };
});
const KNOWN = new Set(allCodes.map((c) => c.code));

describe("compiler fuzz", () => {
  it(`checks ${CASES} mutated recipes: diagnostics or a plan, never a throw`, async () => {
    // Data files and templates come from disk through one caching host, as in an editor session.
    const disk = fileSystemHost();
    let withErrors = 0;
    for (let n = 0; n < CASES; n++) {
      // Let the test worker answer vitest's RPC now and then: a minute of synchronous work under
      // load makes vitest report "Timeout calling onTaskUpdate" and fail the run.
      if (n % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      const recipe = RECIPES[n % RECIPES.length]!;
      const text = mutate(recipe.text, rng(n));
      const result = compile(recipe.file, { host: memoryHost({ [recipe.file]: text }, disk) });
      if (result.hasErrors) withErrors++;
      else expect(result.planJson, `case ${n}`).toBeDefined();
      for (const d of result.diagnostics) {
        if (!KNOWN.has(d.code)) expect.fail(`case ${n}: unregistered code ${d.code}: ${d.message}`);
        const source = d.span ? result.sources.get(d.span.file) : undefined;
        if (d.span && source !== undefined && d.span.offset + d.span.length > source.length) {
          expect.fail(`case ${n}: ${d.code} span ${d.span.offset}+${d.span.length} beyond ${d.span.file} (${source.length})`);
        }
      }
    }
    // The mutations must actually break things most of the time, or the test proves little.
    expect(withErrors).toBeGreaterThan(CASES / 2);
  }, 600_000); // ~60 s alone on two cores; far longer beside the other suites (speed is bench/check.ts's job)
});
