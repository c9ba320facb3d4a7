import * as path from "node:path";
import { buildWarnings, defaultBundleDir, makeBundle } from "../bundle/build.js";
import { MissingInput } from "../bundle/read.js";
import { diffBundle, NotABundle, writeBundle } from "../bundle/write.js";
import { compileForRuntime } from "./compiled.js";

export interface BuildOptions {
  readonly out?: string;
  /** Comma-separated target names. */
  readonly target?: string;
  readonly check?: boolean;
}

/**
 * `align build RECIPE [--out DIR] [--target NAME,...] [--check]` (docs/bundle.md): writes the
 * launch bundle, or with --check regenerates it in memory and exits 1 naming each file that
 * differs from the directory. Exit 1 also when the recipe has errors or an input is missing.
 */
export async function runBuild(recipe: string, opts: BuildOptions): Promise<number> {
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") return compiled;
  const outDir = opts.out !== undefined ? path.resolve(opts.out) : defaultBundleDir(compiled);
  const targets = opts.target?.split(",").map((t) => t.trim()).filter((t) => t !== "");
  try {
    const bundle = await makeBundle({ compiled, recipe, outDir, targets });
    for (const w of buildWarnings(compiled, bundle)) process.stderr.write(`align build: warning: ${w}\n`);
    if (opts.check === true) {
      const differ = diffBundle(outDir, bundle);
      for (const d of differ) process.stderr.write(`align build --check: ${path.join(outDir, d)}\n`);
      if (differ.length > 0) {
        process.stderr.write(`align build --check: ${differ.length} file${differ.length === 1 ? "" : "s"} differ from a fresh build; run align build ${recipe}\n`);
        return 1;
      }
      process.stdout.write(`align build --check: ${outDir} is up to date (${bundle.files.length} files)\n`);
      return 0;
    }
    const changed = writeBundle(outDir, bundle, compiled.rootDir);
    process.stdout.write(`align build: ${outDir} (${bundle.files.length} files, ${changed.length} written); run it with ${path.join(outDir, "launch", "local.sh")}\n`);
    return 0;
  } catch (error) {
    if (error instanceof MissingInput || error instanceof NotABundle) {
      process.stderr.write(`align build: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
