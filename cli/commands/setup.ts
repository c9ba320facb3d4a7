import * as path from "node:path";
import { findWorkerDir } from "../../runtime/launch/worker.js";
import { setupWorkerVenv, SetupError } from "../../runtime/setup/workerVenv.js";

export interface SetupCommandOptions {
  readonly dir?: string;
  readonly python?: string;
  readonly requirements?: string;
  /** Extra pip arguments, one string split on spaces (`--no-index --find-links /wheels`). */
  readonly pipArgs?: string;
}

/** The worker venv `align run` finds by itself: `.venv-worker` beside runtime/. */
export function defaultVenvDir(): string {
  return path.join(path.dirname(path.dirname(findWorkerDir())), ".venv-worker");
}

/**
 * `align setup [--dir DIR] [--python PATH] [--requirements FILE] [--pip-args ARGS]`: creates the
 * worker's virtual environment (docs/run.md, "Python"). Exit 0 when it is ready, 1 when a step
 * failed (its output is shown).
 */
export async function runSetup(opts: SetupCommandOptions): Promise<number> {
  const dir = path.resolve(opts.dir ?? defaultVenvDir());
  const requirements = path.resolve(opts.requirements ?? path.join(findWorkerDir(), "requirements.txt"));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const python = await setupWorkerVenv({
      dir, requirements, log, env: process.env,
      ...(opts.python === undefined ? {} : { python: opts.python }),
      ...(opts.pipArgs === undefined ? {} : { pipArgs: opts.pipArgs.split(/\s+/).filter(Boolean) }),
    });
    process.stdout.write(`align setup: ready: ${python} (align run finds it; or pass --python ${python})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    log(`align setup: ${error.message}`);
    return 1;
  }
}
