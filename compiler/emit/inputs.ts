/**
 * What a run reads besides the plan: the files named in it (datasets, templates, custom judge
 * modules) and the recipe's own files, plus the models as written. Pure: the caller reads and
 * hashes the files these name.
 */
import type { Plan } from "../plan/types.js";
import type { InputKind, LockModel } from "./lockfile.js";

export interface InputRef {
  /** Relative to the root recipe's directory, posix. */
  readonly path: string;
  readonly kind: InputKind;
}

/**
 * Datasets up to this size are copied into the bundle; larger ones are referenced (a relative
 * link under `inputs/`) and pinned by hash. 32 MiB keeps a bundle small enough to copy to a
 * cluster with scp while covering the small evaluation and demo sets recipes ship with.
 */
export const DATASET_COPY_LIMIT = 32 * 1024 * 1024;

function tables(plan: Plan): [string, Record<string, unknown>][] {
  return (["models", "rewards", "datasets", "judges", "tasks", "stages"] as const)
    .map((s) => [s, (plan[s] ?? {}) as Record<string, unknown>]);
}

/** Every `template: { file }` anywhere below `value` (judges, stages, renders). */
function templateFiles(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) templateFiles(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const file = (v as { file?: unknown } | null)?.file;
      if (key === "template" && typeof file === "string") out.add(file);
      else templateFiles(v, out);
    }
  }
}

/**
 * The files a run reads, sorted by path. `recipeFiles` are the root recipe and its imports,
 * relative to the root recipe's directory (the root first).
 */
export function collectInputs(plan: Plan, recipeFiles: readonly string[]): InputRef[] {
  const found = new Map<string, InputKind>();
  recipeFiles.forEach((file, i) => found.set(file, i === 0 ? "recipe" : "import"));
  for (const dataset of Object.values(plan.datasets ?? {}) as { path?: unknown }[]) {
    if (typeof dataset.path === "string") found.set(normal(dataset.path), "dataset");
  }
  for (const judge of Object.values(plan.judges ?? {}) as { variant?: unknown; module?: unknown }[]) {
    if (judge.variant === "custom" && typeof judge.module === "string") found.set(normal(judge.module), "judge_module");
  }
  const templates = new Set<string>();
  for (const [, table] of tables(plan)) templateFiles(table, templates);
  for (const file of templates) if (!found.has(normal(file))) found.set(normal(file), "template");
  return [...found].map(([p, kind]) => ({ path: p, kind })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `./data/x.jsonl` and `data//x.jsonl` name the same file as `data/x.jsonl`. */
export function normal(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

const COMMIT = /^[0-9a-f]{40}$/;

/** Models and reward models as the recipe names them; hf revisions that are not commits are unpinned. */
export function collectModels(plan: Plan): LockModel[] {
  const out: LockModel[] = [];
  for (const section of ["models", "rewards"] as const) {
    for (const [name, decl] of Object.entries((plan[section] ?? {}) as Record<string, { from?: Record<string, unknown> }>)) {
      const from = decl.from;
      if (from === undefined || typeof from["type"] !== "string") continue;
      const source = from["type"];
      const str = (k: string) => (typeof from[k] === "string" ? { [k]: from[k] as string } : {});
      const revision = typeof from["revision"] === "string" ? from["revision"] : undefined;
      out.push({ name: `${section}/${name}`, source, ...str("id"), ...str("revision"), ...str("path"),
        pinned: source !== "hf" || (revision !== undefined && COMMIT.test(revision)) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
