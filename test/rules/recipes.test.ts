import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";

/** The bundled recipes must check clean: no errors and no warnings. */

const recipes = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../recipes");

function diagnosticsOf(file: string): string[] {
  return compile(file, { cwd: recipes }).diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.column} ${d.message}`);
}

describe("bundled recipes", () => {
  for (const file of ["tiny.align", "cgpo.align", "mistakes-alpaca.align", "mistakes-hijack.align"]) {
    it(`${file} checks clean`, () => {
      expect(diagnosticsOf(file)).toEqual([]);
    });
  }

  it("cgpo.align fits 8×8 H100 only because it shards with fsdp", () => {
    const result = compile("cgpo.align", { cwd: recipes });
    const estimates = result.plan!.estimates;
    for (const stage of ["warmup", "rl", "evaluate"]) {
      expect(estimates[stage], stage).toMatchObject({ sharding: "fsdp", fits: true });
    }
    // A replica of the 70B policy alone (bf16 weights, grads, Adam) is far beyond 80 GiB.
    expect(estimates["rl"]!.breakdown["optimizer"]! * 64).toBeGreaterThan(80 * 1024 ** 3);
  });

  it("tiny.align runs on CPU: estimates without a capacity", () => {
    const estimates = compile("tiny.align", { cwd: recipes }).plan!.estimates;
    expect(Object.keys(estimates).sort()).toEqual(["before", "before_held_out", "evaluate", "held_out", "rl", "warmup"]);
    expect(estimates["rl"]).toMatchObject({ sharding: "none", fits: null, gpu_memory_bytes: null });
  });
});
