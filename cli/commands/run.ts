import * as path from "node:path";
import { runStages, RunUsageError } from "../../runtime/orchestrator/index.js";
import type { RunReport } from "../../runtime/orchestrator/index.js";
import { compileForRuntime } from "./compiled.js";

export interface RunCommandOptions {
  readonly stage?: string;
  readonly runDir?: string;
  readonly python?: string;
  readonly restart?: boolean;
  /** commander's `--no-endpoint-check` sets this false. */
  readonly endpointCheck?: boolean;
}

/** `runs/tiny` rather than an absolute path when the run directory is below the cwd. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : dir;
}

function summary(report: RunReport): string {
  const parts = report.stages.map((s) => (s.status === "skipped" ? `${s.stage} skipped` : `${s.stage} ${s.status} ${(s.seconds ?? 0).toFixed(1)}s`));
  return `align run: done (${parts.join(", ") || "no stages"}); outputs in ${shown(report.runDir)}`;
}

/**
 * `align run RECIPE [--stage S] [--run-dir DIR] [--python PATH] [--restart]`: compile the recipe
 * and run its stages locally (runtime/orchestrator, docs/run.md). Exit 0 when every stage
 * finished, 1 when one failed (or the recipe has errors), 2 for usage errors, 130/143 when
 * interrupted by SIGINT/SIGTERM.
 */
export async function runRun(recipe: string, opts: RunCommandOptions): Promise<number> {
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") return compiled;
  const { plan, rootDir } = compiled;
  const runDir = opts.runDir !== undefined
    ? path.resolve(opts.runDir)
    : path.resolve(rootDir, plan.recipe.output_dir, plan.recipe.name);
  try {
    const report = await runStages({
      plan, planJson: compiled.planJson, recipeDir: rootDir, runDir,
      stage: opts.stage, restart: opts.restart === true, python: opts.python,
      checkEndpoints: opts.endpointCheck !== false,
    });
    if (report.status === "done") process.stdout.write(`${summary(report)}\n`);
    else process.stderr.write(`align run: ${report.message ?? report.status}\n`);
    return report.exitCode;
  } catch (error) {
    if (error instanceof RunUsageError) {
      process.stderr.write(`align run: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
