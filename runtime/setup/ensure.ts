/**
 * `align run --setup`: the Python that runs the worker, or, when none has PyTorch, the worker's
 * venv made on the spot by `align setup`'s steps, so the README's first command alone installs
 * and runs the demo on a fresh machine. A Python named explicitly (`--python`, $ALIGN_PYTHON)
 * is never replaced: its problem is reported as it is.
 */
import { choosePython, PythonNotFound, type PythonChoice } from "../orchestrator/python.js";
import { setupWorkerVenv, type SetupOptions } from "./workerVenv.js";

export async function pythonOrSetup(choice: PythonChoice, setup: SetupOptions): Promise<string> {
  const env = choice.env ?? process.env;
  const explicit = choice.python !== undefined || Boolean(env["ALIGN_PYTHON"]);
  try {
    return await choosePython(choice);
  } catch (error) {
    if (!(error instanceof PythonNotFound) || explicit) throw error;
    setup.log(`align run: no Python with PyTorch found; setting up ${setup.dir} (align setup)`);
  }
  const python = await setupWorkerVenv(setup);
  // The venv must now import torch; if the requirements did not bring it, say so here.
  return await choosePython({ python, env: {} });
}
