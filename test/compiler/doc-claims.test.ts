/**
 * What the new-user test found wrong in the docs stays fixed: the recipes README gives
 * tiny.align's real model, worker.md agrees with the schema on DPO and eval fields, no doc
 * points to a design file the repository does not have, the README has a GPU install path,
 * and every relative link in the user docs leads to a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const userDocs = ["README.md", "recipes/README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("doc claims", () => {
  it("recipes/README.md gives tiny.align's built-in model as the recipe declares it", () => {
    const plan = compile(path.join(root, "recipes/tiny.align")).plan!;
    const builtins = Object.values(plan.models).map((m) => m.from).filter((from) => from.type === "builtin");
    expect(builtins).toHaveLength(1);
    const { layers, width, heads, context } = builtins[0] as { layers: number; width: number; heads: number; context: number };
    expect(read("recipes/README.md")).toContain(`builtin(layers = ${layers}, width = ${width}, heads = ${heads}, context = ${context})`);
  });

  it("worker.md lists the DPO and eval fields the language has", () => {
    const worker = read("docs/worker.md");
    const row = (variant: string) => worker.split("\n").find((line) => line.startsWith(`| ${variant} |`)) ?? "";
    for (const field of ["max_length", "max_prompt_length"]) expect(row("dpo")).toContain(field);
    for (const field of ["top_p", "template"]) expect(row("eval")).toContain(field);
    const language = read("docs/language.md");
    for (const field of ["max_prompt_length", "top_p"]) expect(language).toContain(`| \`${field}\``);
  });

  it("no doc refers to a design document the repository does not have", () => {
    const offenders = userDocs.filter((file) => /DESIGN(\.md)? ?§/.test(read(file)));
    expect(offenders).toEqual([]);
  });

  it("the README has a GPU install path", () => {
    expect(read("README.md")).toMatch(/On a GPU machine, give the worker a CUDA build of PyTorch/);
  });

  it("every relative link in the user docs leads to an existing file", () => {
    const broken: string[] = [];
    for (const file of userDocs) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        if (!existsSync(path.join(root, path.dirname(file), target))) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
