/**
 * Reads what a bundle is made of (the I/O half of `align build`; compiler/emit is the pure half):
 * the recipe's files, datasets, templates and judge modules named by the plan, the worker's
 * Python package and the vendored runtime. Hashes are streamed (runtime/program/hash.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { CompileResult, Plan } from "../../compiler/index.js";
import type { ReadInput, SourceFile } from "../../compiler/emit/bundle.js";
import { collectInputs, DATASET_COPY_LIMIT, normal } from "../../compiler/emit/inputs.js";
import { sha256Bytes, sha256File } from "../../runtime/program/hash.js";

/** The repository (or installed package) root: runtime/ and its worker live below it. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "runtime", "program", "index.ts")) && existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("the align package root (runtime/program/index.ts) was not found above cli/bundle");
    dir = parent;
  }
}

const posix = (p: string) => p.split(path.sep).join("/");

/** The root recipe and its imports, relative to the root recipe's directory (root first). */
export function recipeFiles(result: CompileResult, recipe: string): string[] {
  const rootDir = result.rootDir as string;
  const root = posix(path.relative(rootDir, path.resolve(recipe)));
  const others = [...result.sources.keys()].map((f) => posix(path.relative(rootDir, path.resolve(f))))
    .filter((f) => f !== root).sort();
  return [root, ...others];
}

/** `file:line` of each stage's declaration, relative to the root recipe's directory. */
export function stageSources(result: CompileResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stage of result.plan?.stage_order ?? []) {
    const span = result.spans.get(`/stages/${stage}`);
    if (span !== undefined) out[stage] = `${posix(path.relative(result.rootDir as string, path.resolve(span.file)))}:${span.line}`;
  }
  return out;
}

export class MissingInput extends Error {}

/** Hashes every input; copies (reads) all but datasets over `copyLimit` and files outside the recipe's directory. */
export function readInputs(plan: Plan, rootDir: string, files: readonly string[], copyLimit = DATASET_COPY_LIMIT): ReadInput[] {
  return collectInputs(plan, files.map(normal)).map((ref) => {
    const file = path.join(rootDir, ...ref.path.split("/"));
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new MissingInput(`${ref.path}: the recipe names this ${ref.kind.replace("_", " ")}, but ${file} is not a readable file`);
    }
    const bytes = statSync(file).size;
    const inside = !ref.path.startsWith("../");
    const copy = inside && (ref.kind !== "dataset" || bytes <= copyLimit);
    if (!copy) return { ref, sha256: sha256File(file), bytes, content: undefined };
    const content = readFileSync(file);
    return { ref, sha256: sha256Bytes(content), bytes, content };
  });
}

function walk(dir: string, rel: string, out: string[]): void {
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "__pycache__") walk(dir, child, out);
    } else if (entry.isFile() && entry.name.endsWith(".py")) {
      out.push(child);
    }
  }
}

function sourceFile(dir: string, rel: string, as = rel): SourceFile {
  const content = readFileSync(path.join(dir, ...rel.split("/")));
  return { path: as, content, sha256: sha256Bytes(content) };
}

/** The worker package's Python files (sorted) and its pinned requirements. */
export function readWorker(root: string): { worker: SourceFile[]; requirements: SourceFile } {
  const dir = path.join(root, "runtime", "worker");
  const files: string[] = [];
  walk(dir, "align_worker", files);
  files.sort();
  return { worker: files.map((f) => sourceFile(dir, f)), requirements: sourceFile(dir, "requirements.lock.txt", "requirements.txt") };
}
