/**
 * Bundles that run: recipes/tiny.align's bundle copied outside the repository runs end to end
 * with launch/local.sh and nothing but node and Python on PATH (the README's figures), and a
 * reduced tiny recipe run with two gloo CPU ranks ends with the parameters of one rank.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";
import { align, root, SMALL, tempDir, tinyCopy, torchPython } from "./helpers.js";

const python = torchPython();

beforeAll(async () => {
  await ensureBuilt(root);
}, 180_000);

/** A directory whose PATH entries are only `node` and `python3`. */
function bareBin(dir: string, py: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, "node"));
  symlinkSync(py, path.join(bin, "python3"));
  return bin;
}

/** `[stage] task: ... correct X` → X, for each eval stage's line. */
function correctRates(stderr: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stderr.matchAll(/^\[(\w+)\] \w+: feasible [\d.]+, pass rate .*correct ([\d.]+)/gm)) out[m[1] as string] = m[2] as string;
  return out;
}

describe.runIf(python !== undefined)("running a bundle", () => {
  it("tiny.align's bundle, copied outside the repository, runs with launch/local.sh and only node and python on PATH", async () => {
    const built = tempDir("align-bundle-src-");
    const b = await align(["build", path.join(root, "recipes/tiny.align"), "--out", path.join(built, "bundle")]);
    expect(b.exitCode).toBe(0);
    const away = tempDir("align-bundle-away-");
    cpSync(path.join(built, "bundle"), path.join(away, "bundle"), { recursive: true });
    const bin = bareBin(away, python as string);
    const r = await execa("/bin/sh", [path.join(away, "bundle/launch/local.sh")], {
      cwd: away, reject: false, extendEnv: false,
      env: { PATH: bin, HOME: away, ALIGN_PYTHON: python as string, OMP_NUM_THREADS: "1" },
    });
    expect(r.stderr).toContain("[rl] step 120/120");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^align run: done \(warmup done [\d.]+s, rl done [\d.]+s, /);
    // The greedy pass rates align run prints for this recipe (README: 0.58 → 0.92 on the training
    // problems, 0.53 → 0.80 held out): the bundle runs the same code on the same inputs.
    expect(correctRates(r.stderr)).toEqual({ before: "0.578", evaluate: "0.917", before_held_out: "0.533", held_out: "0.800" });
    // The default run directory is the one holding the bundle.
    expect(JSON.parse(readFileSync(path.join(away, "held_out", "result.json"), "utf8"))["status"]).toBe("done");
  }, 600_000);

  it("two gloo CPU ranks end with the parameters of one rank on the same global batch", async () => {
    const models: string[] = [];
    for (const ranks of [1, 2]) {
      // Warmup (SFT) and 3 CGPO steps; the evals are dropped for time.
      const { dir, recipe } = tinyCopy([...SMALL, ["steps = 4", "steps = 3"], ["gpu = cpu", `gpu = cpu\n  cpu_ranks = ${ranks}`]]);
      const text = readFileSync(recipe, "utf8").replace(/\nstage (before|before_held_out|evaluate|held_out) = eval \{[^}]*\}\n/g, "\n");
      writeFileSync(recipe, text);
      expect((await align(["build", recipe])).exitCode).toBe(0);
      const bundle = path.join(dir, "runs", "tiny", "bundle");
      const r = await execa("/bin/sh", [path.join(bundle, "launch/local.sh")], { reject: false, env: { ALIGN_PYTHON: python as string, OMP_NUM_THREADS: "1" } });
      expect(r.stderr).toContain("[rl] step 3/3");
      expect(r.exitCode).toBe(0);
      for (const stage of ["warmup", "rl"]) {   // rank 0 records the world it ran in
        expect(JSON.parse(readFileSync(path.join(dir, "runs/tiny", stage, "result.json"), "utf8"))["world_size"]).toBe(ranks);
      }
      // Rank 0 alone writes shared outputs: one metrics line per step, not one per rank.
      const totals = readFileSync(path.join(dir, "runs/tiny/rl/metrics.jsonl"), "utf8").trim().split("\n")
        .map((l) => JSON.parse(l) as { task?: unknown; step?: number }).filter((m) => m.task === null);
      expect(totals.map((m) => m.step)).toEqual([1, 2, 3]);
      models.push(path.join(dir, "runs", "tiny"));
    }
    const compare = [
      "import sys, torch",
      "for stage in ('warmup', 'rl'):",
      "    a, b = (torch.load(f'{d}/{stage}/model/model.pt') for d in sys.argv[1:3])",
      "    assert a.keys() == b.keys()",
      "    for k in a:",
      "        assert torch.allclose(a[k], b[k], atol=2e-5, rtol=1e-4), (stage, k, (a[k] - b[k]).abs().max().item())",
      "print('same')",
    ].join("\n");
    const c = await execa(python as string, ["-c", compare, ...models], { reject: false });
    expect(c.stderr).toBe("");
    expect(c.stdout.trim()).toBe("same");
  }, 600_000);
});
