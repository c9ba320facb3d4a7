import { explainHint, renderText, shouldColor, summary } from "../../compiler/diagnostics/render.js";
import { compile } from "../../compiler/index.js";
import { judgeInputChecks } from "../../runtime/judges/inputChecks.js";
import type { CompileResult, Plan } from "../../compiler/index.js";
import { readArgument } from "./io.js";

export interface CompiledRecipe {
  readonly plan: Plan;
  /** Absolute directory of the root recipe: the plan's relative paths resolve against it. */
  readonly rootDir: string;
  /** plan.json's bytes (the compiler's deterministic serialization), computed on first use. */
  readonly planJson: string;
  /** Everything the compiler returned (spans, sources), for the bundle emitter. */
  readonly result: CompileResult;
}

/**
 * Compiles a recipe for a command that runs it (`judge`, `serve`): diagnostics go to stderr in
 * the one renderer's format; returns the exit code instead of a plan when it cannot run.
 */
export function compileForRuntime(file: string): CompiledRecipe | number {
  if (readArgument(file) === undefined) return 2;
  const result = compile(file, { judgeInputChecks });
  if (result.diagnostics.length > 0) {
    const lookup = (f: string) => result.sources.get(f);
    process.stderr.write(renderText(result.diagnostics, lookup, { color: shouldColor(process.stderr) }));
  }
  if (result.hasErrors || !result.plan || !result.rootDir) {
    process.stderr.write(`${summary(result.diagnostics)}; nothing to run; ${explainHint(result.diagnostics)}\n`);
    return 1;
  }
  const { plan, rootDir } = result;
  // The compiler defines plan.json's bytes whenever there are no errors; never re-serialize here.
  return { plan, rootDir, result, get planJson() { return result.planJson as string; } };
}
