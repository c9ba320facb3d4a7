/**
 * `align build` as a function (also what `align run` calls): compile, read and hash the inputs,
 * emit the bundle (compiler/emit), then write it or compare it (`check`).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { emitBundle, programInput } from "../../compiler/emit/bundle.js";
import type { Bundle } from "../../compiler/emit/bundle.js";
import { collectModels } from "../../compiler/emit/inputs.js";
import { ranksPerNode } from "../../runtime/orchestrator/plan.js";
import { sha256Bytes, sha256File } from "../../runtime/program/hash.js";
import { envNames } from "../../runtime/preflight/env.js";
import type { CompiledRecipe } from "../commands/compiled.js";
import { packageRoot, readInputs, readWorker, recipeFiles, stageSources } from "./read.js";
import type { GeneratedProgram, ProgramInput } from "../../compiler/emit/program.js";
import { cacheKey, readCached, writeCached } from "./cache.js";
import { vendoredRuntime } from "./runtime.js";

export interface BuildRequest {
  readonly compiled: CompiledRecipe;
  /** The root recipe as named on the command line. */
  readonly recipe: string;
  readonly outDir: string;
  /** Target names; default the recipe's `launch` blocks plus `local`. */
  readonly targets?: readonly string[] | undefined;
  readonly copyLimit?: number | undefined;
}

/** The default bundle directory: `<recipe dir>/<output_dir>/<recipe name>/bundle`. */
export function defaultBundleDir(compiled: CompiledRecipe): string {
  const { plan, rootDir } = compiled;
  return path.resolve(rootDir, plan.recipe.output_dir, plan.recipe.name, "bundle");
}

/** Warnings `align build` prints: unpinned model revisions, targets without an emitter. */
export function buildWarnings(compiled: CompiledRecipe, bundle: Bundle): string[] {
  const out = collectModels(compiled.plan).filter((m) => !m.pinned).map((m) =>
    `${m.name}: revision "${m.revision ?? ""}" of ${m.id ?? "?"} is a moving ref, recorded as written; ` +
    "pin a commit (revision = \"<40 hex digits>\") for a reproducible run");
  for (const t of bundle.missingTargets) out.push(`launch ${t}: this align has no emitter for the target yet; the bundle has no launch files for it`);
  return out;
}

/** The emitter's own code and ts-morph's version: the program's bytes depend on them too. */
function emitterKey(root: string): unknown {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const emitter = ["program.js", "program.ts"].map((f) => path.resolve(here, "../../compiler/emit", f)).find((f) => existsSync(f));
  const tsMorph = (JSON.parse(readFileSync(path.join(root, "node_modules/ts-morph/package.json"), "utf8")) as { version: string }).version;
  return { emitter: emitter === undefined ? null : sha256File(emitter), tsMorph };
}

/**
 * main.ts, hooks.ts and their JavaScript, from the cache when the same inputs were generated
 * before (loading TypeScript and ts-morph is most of a build's time).
 */
async function program(root: string, input: ProgramInput, recipeFile: string, hooks: string | undefined): Promise<GeneratedProgram> {
  const stages = input.plan.stage_order.map((s) => {
    const entry = input.plan.stages[s] as { variant: string; needs: readonly string[] };
    return [s, entry.variant, entry.needs];
  });
  const key = cacheKey({ emitter: emitterKey(root), stages, sources: input.stageSources, header: input.header, recipeFile, hooks: hooks ?? null });
  const hit = readCached<GeneratedProgram>(root, "program", key);
  if (hit !== undefined) return hit;
  const { generateProgram } = await import("../../compiler/emit/program.js");
  const made = generateProgram(input, recipeFile, hooks);
  writeCached(root, "program", key, made);
  return made;
}

/** The bundle's files in memory (nothing written). */
export async function makeBundle(req: BuildRequest): Promise<Bundle> {
  const { compiled } = req;
  const { plan, rootDir, result } = compiled;
  const root = packageRoot();
  const inputs = readInputs(plan, rootDir, recipeFiles(result, req.recipe), req.copyLimit);
  const { worker, requirements } = readWorker(root);
  const runtime = await vendoredRuntime(root);
  const hooksFile = path.join(req.outDir, "hooks.ts");
  const targets = req.targets ?? [...Object.keys(plan.launch ?? {}), "local"];
  const recipeFile = recipeFiles(result, req.recipe)[0] as string;
  const sources = stageSources(result);
  const hooks = existsSync(hooksFile) ? readFileSync(hooksFile, "utf8") : undefined;
  return emitBundle({
    plan, planJson: compiled.planJson, recipeFile, stageSources: sources, inputs, worker, requirements, runtime, targets,
    program: await program(root, programInput(plan, recipeFile, sources), recipeFile, hooks),
    envNames: envNames(plan), ranksPerNode: ranksPerNode(plan),
  }, sha256Bytes);
}
