/**
 * Golden files for what align build generates (test/fixtures/emit/<recipe>/<file>.golden, `/` written `__`): the program, the
 * local launcher and the bundle README of recipes/tiny.align and recipes/cgpo.align. Review a
 * change as a diff; `ALIGN_ACCEPT=1 npx vitest run test/bundle/golden.test.ts` rewrites them.
 * Every generated program type-checks under `tsc --strict`, every shell script passes shellcheck.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../compiler/emit/bundle.js";
import { writeBundle } from "../../cli/bundle/write.js";
import { bundleOf, fileText, root, tempDir } from "./helpers.js";

const accept = process.env["ALIGN_ACCEPT"] === "1";
const GOLDEN = ["main.ts", "launch/local.sh", "README.md"];
const RECIPES = ["tiny", "cgpo"];

const bundles = new Map<string, { bundle: Bundle; dir: string }>();

beforeAll(async () => {
  for (const name of RECIPES) {
    const bundle = await bundleOf(path.join(root, "recipes", `${name}.align`));
    const dir = path.join(tempDir("align-golden-"), "bundle");
    writeBundle(dir, bundle, path.join(root, "recipes"));
    bundles.set(name, { bundle, dir });
  }
}, 120_000);

it("the vendored runtime requires nothing but node's own modules at run time (no node_modules in a bundle)", () => {
  const js = fileText(bundles.get("tiny")!.bundle, "runtime/align-runtime.js");
  // esbuild leaves a require it could not inline as __require("name"); mathjs and the JSON
  // schema behind createRequire are inlined by cli/bundle/runtime.ts's plugin.
  const left = [...js.matchAll(/__require\("([^"]+)"\)/g)].map((m) => m[1] as string);
  expect(left.length).toBeGreaterThan(0);
  expect(left.filter((m) => !builtinModules.includes(m.replace(/^node:/, "")))).toEqual([]);
  expect(js).not.toContain("createRequire(import.meta.url)");
  expect(js).toContain("mathjs");
});

describe.each(RECIPES)("recipes/%s.align", (name) => {
  it.each(GOLDEN)("%s matches its golden file", (file) => {
    const actual = fileText(bundles.get(name)!.bundle, file);
    const golden = path.join(root, "test/fixtures/emit", name, `${file.replace("/", "__")}.golden`);
    if (accept) {
      mkdirSync(path.dirname(golden), { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(existsSync(golden), `${golden} is missing (ALIGN_ACCEPT=1 writes it)`).toBe(true);
    expect(actual, `${path.relative(root, golden)} (ALIGN_ACCEPT=1 rewrites it)`).toBe(readFileSync(golden, "utf8"));
  });

  it("main.ts from the build (maybe from align build's cache) is what the generator makes now", async () => {
    const { generateProgram } = await import("../../compiler/emit/program.js");
    const { programInput } = await import("../../compiler/emit/bundle.js");
    const { compile } = await import("../../compiler/index.js");
    const { stageSources } = await import("../../cli/bundle/read.js");
    const recipe = path.join(root, "recipes", `${name}.align`);
    const result = compile(recipe);
    const fresh = generateProgram(programInput(result.plan!, `${name}.align`, stageSources(result)), `${name}.align`, undefined);
    expect(fileText(bundles.get(name)!.bundle, "main.ts")).toBe(fresh.main);
    expect(fileText(bundles.get(name)!.bundle, "main.js")).toBe(fresh.mainJs);
  });

  it("main.ts and hooks.ts type-check under tsc --strict (the bundle's tsconfig.json) against the runtime's declarations", async () => {
    const { dir } = bundles.get(name)!;
    const r = await execa(path.join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: dir, reject: false });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it("every generated shell script is shellcheck clean", async () => {
    const { bundle, dir } = bundles.get(name)!;
    // Shell scripts by their first line, whatever their name (slurm.sbatch is one too).
    const scripts = bundle.files.filter((f) => /^#!\S*\b(ba)?sh\b/.test(fileText(bundle, f.path).split("\n", 1)[0] as string)).map((f) => f.path);
    expect(scripts).toContain("launch/local.sh");
    if (name === "cgpo") expect(scripts.sort()).toEqual(["launch/local.sh", "launch/slurm.sbatch", "launch/torchrun.sh"]);
    const r = await execa("shellcheck", ["--severity=style", ...scripts], { cwd: dir, reject: false });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
