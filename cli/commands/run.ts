import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { lockRunDir, RunDirInUse } from "../../runtime/program/lock.js";
import { buildWarnings, makeBundle } from "../bundle/build.js";
import { MissingInput } from "../bundle/read.js";
import { NotABundle, writeBundle } from "../bundle/write.js";
import { findWorkerDir } from "../../runtime/launch/worker.js";
import { PythonNotFound } from "../../runtime/orchestrator/python.js";
import { pythonOrSetup } from "../../runtime/setup/ensure.js";
import { SetupError } from "../../runtime/setup/workerVenv.js";
import { compileForRuntime } from "./compiled.js";
import { defaultVenvDir } from "./setup.js";

export interface RunCommandOptions {
  readonly stage?: string;
  readonly runDir?: string;
  readonly python?: string;
  readonly restart?: boolean;
  /** commander's `--no-endpoint-check` sets this false. */
  readonly endpointCheck?: boolean;
  /** With no Python that has PyTorch, create the worker venv first (as `align setup` does). */
  readonly setup?: boolean;
}

/** The generated program's entry point (main.ts in a bundle). */
type ProgramMain = (argv?: readonly string[]) => Promise<number>;

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `align run RECIPE [--stage S] [--run-dir DIR] [--python PATH] [--restart] [--setup]`: builds the recipe's
 * bundle into `<run dir>/bundle` and runs its generated program with the local launcher, in this
 * process: the same code a bundle runs on a cluster (docs/run.md, docs/bundle.md). Inputs are
 * read from the recipe's directory. Exit 0 when every stage finished, 1 when one failed (or the
 * recipe has errors, or the run directory is in use), 2 for usage errors, 130/143 when interrupted.
 */
export async function runRun(recipe: string, opts: RunCommandOptions): Promise<number> {
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") return compiled;
  let python = opts.python;
  if (opts.setup === true) {
    try {
      python = await pythonOrSetup({ python }, { dir: defaultVenvDir(), requirements: path.join(findWorkerDir(), "requirements.txt"), log: say, env: process.env });
    } catch (error) {
      if (!(error instanceof SetupError) && !(error instanceof PythonNotFound)) throw error;
      say(`align run: ${error.message}`);
      return 1;
    }
  }
  const { plan, rootDir } = compiled;
  const runDir = opts.runDir !== undefined
    ? path.resolve(opts.runDir)
    : path.resolve(rootDir, plan.recipe.output_dir, plan.recipe.name);
  mkdirSync(runDir, { recursive: true });
  let release: () => void;
  try {
    release = lockRunDir(runDir, say);
  } catch (error) {
    if (!(error instanceof RunDirInUse)) throw error;
    say(`align run: ${error.message}`);
    return 1;
  }
  try {
    const bundleDir = path.join(runDir, "bundle");
    const bundle = await makeBundle({ compiled, recipe, outDir: bundleDir, targets: ["local"] });
    for (const w of buildWarnings(compiled, bundle)) say(`align run: warning: ${w}`);
    writeBundle(bundleDir, bundle, rootDir);
    const { main } = (await import(pathToFileURL(path.join(bundleDir, "main.js")).href)) as { main: ProgramMain };
    const argv = ["--launcher", "local", "--run-dir", runDir, "--base-dir", rootDir];
    if (opts.stage !== undefined) argv.push("--stage", opts.stage);
    if (python !== undefined) argv.push("--python", python);
    if (opts.restart === true) argv.push("--restart");
    if (opts.endpointCheck === false) argv.push("--no-endpoint-check");
    return await main(argv);
  } catch (error) {
    if (error instanceof MissingInput || error instanceof NotABundle) {
      say(`align run: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    release();
  }
}
