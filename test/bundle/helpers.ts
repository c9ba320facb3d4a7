/** Shared by the bundle suites: in-memory builds, tree hashes, the CLI, a Python with torch. */
import { execFileSync } from "node:child_process";
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll } from "vitest";
import type { Bundle } from "../../compiler/emit/bundle.js";
import { makeBundle } from "../../cli/bundle/build.js";
import { compileForRuntime } from "../../cli/commands/compiled.js";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = path.join(root, "bin/align.js");

/** Builds a recipe's bundle in memory (as align build would write it to `outDir`). */
export async function bundleOf(recipe: string, outDir = path.join(tmpdir(), "align-no-such-bundle")): Promise<Bundle> {
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") throw new Error(`${recipe} does not compile`);
  return makeBundle({ compiled, recipe, outDir });
}

export function fileText(bundle: Bundle, file: string): string {
  const f = bundle.files.find((x) => x.path === file);
  if (f === undefined) throw new Error(`${file} is not in the bundle`);
  return typeof f.content === "string" ? f.content : Buffer.from(f.content).toString("utf8");
}

/** sha256 over every path, mode, file content and link target below `dir`, in sorted order. */
export function treeHash(dir: string): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const entries = readdirSync(path.join(dir, rel)).sort();
    for (const name of entries) {
      const child = rel === "" ? name : `${rel}/${name}`;
      const full = path.join(dir, child);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        hash.update(`d ${child}\n`);
        visit(child);
      } else if (st.isSymbolicLink()) {
        hash.update(`l ${child} ${readlinkSync(full)}\n`);
      } else {
        hash.update(`f ${child} ${(st.mode & 0o777).toString(8)} `).update(readFileSync(full)).update("\n");
      }
    }
  };
  visit("");
  return hash.digest("hex");
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** recipes/tiny.align with the data it reads, in a fresh directory, with text replacements applied. */
export function tinyCopy(replacements: readonly (readonly [string, string])[] = [], dir = tempDir("align-bundle-")): { dir: string; recipe: string } {
  cpSync(path.join(root, "recipes/data"), path.join(dir, "data"), { recursive: true, filter: (src) => !src.includes("cgpo_") && !src.includes("mistakes_") });
  let text = readFileSync(path.join(root, "recipes/tiny.align"), "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`tiny.align has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const recipe = path.join(dir, "tiny.align");
  writeFileSync(recipe, text);
  return { dir, recipe };
}

/** The reduced tiny recipe the run suites use: 4 RL steps, 1 SFT epoch. */
export const SMALL: readonly (readonly [string, string])[] = [["steps = 120", "steps = 4"], ["epochs = 20", "epochs = 1"], ["checkpoint_every = 40", "checkpoint_every = 2"]];

export function align(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa("node", [bin, ...args], { cwd: opts.cwd ?? root, reject: false, env: { NO_COLOR: "1", OMP_NUM_THREADS: "1", ...opts.env } });
}

/** A Python that can import torch (the worker needs one); undefined when none is installed. */
export function torchPython(): string | undefined {
  for (const py of [process.env["ALIGN_PYTHON"], "/usr/bin/python3", "python3"]) {
    if (py === undefined || py === "") continue;
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
