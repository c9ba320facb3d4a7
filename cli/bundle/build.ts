/**
 * `align build` as a function (also what `align run` calls): compile, read and hash the inputs,
 * emit the bundle (compiler/emit), then write it or compare it (`check`).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { emitBundle } from "../../compiler/emit/bundle.js";
import type { Bundle } from "../../compiler/emit/bundle.js";
import { collectModels } from "../../compiler/emit/inputs.js";
import { ranksPerNode } from "../../runtime/orchestrator/plan.js";
import { sha256Bytes } from "../../runtime/program/hash.js";
import { envNames } from "../../runtime/preflight/env.js";
import type { CompiledRecipe } from "../commands/compiled.js";
import { packageRoot, readInputs, readWorker, recipeFiles, stageSources } from "./read.js";
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
  return emitBundle({
    plan, planJson: compiled.planJson, recipeFile: recipeFiles(result, req.recipe)[0] as string,
    stageSources: stageSources(result), inputs, worker, requirements, runtime, targets,
    hooks: existsSync(hooksFile) ? readFileSync(hooksFile, "utf8") : undefined,
    envNames: envNames(plan), ranksPerNode: ranksPerNode(plan),
  }, sha256Bytes);
}
