/**
 * The worker's Python: an interpreter that has torch (orchestrator/python.ts chooses it), plus
 * transformers when a stage reaches a Hugging Face model and peft when one trains LoRA adapters.
 * Packages are looked up without importing them (find_spec), so the check takes well under a
 * second.
 */
import { execa } from "execa";
import { choosePython, PythonNotFound } from "../orchestrator/python.js";
import type { PythonChoice } from "../orchestrator/python.js";
import type { PreflightProblem } from "./types.js";

export interface PackageNeed {
  readonly module: string;
  /** Why it is needed, e.g. `stage finetune uses a Hugging Face model`. */
  readonly why: string;
}

const FIND = "import importlib.util, sys\n" +
  "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))";

/** The modules of `needs` that `python` cannot import (all of them if it cannot be asked). */
async function missingModules(python: string, modules: readonly string[]): Promise<string[]> {
  const r = await execa(python, ["-c", FIND, ...modules], { reject: false, timeout: 60_000, stdin: "ignore" });
  if (r.exitCode !== 0) return [...modules];
  return r.stdout.trim().split(/\s+/).filter((m) => m !== "");
}

export interface PythonCheck {
  readonly python?: string;
  readonly problems: PreflightProblem[];
}

export async function checkPython(choice: PythonChoice, packages: readonly PackageNeed[]): Promise<PythonCheck> {
  let python: string;
  try {
    python = await choosePython(choice);
  } catch (error) {
    if (error instanceof PythonNotFound) return { problems: [{ check: "python", message: error.message }] };
    throw error;
  }
  if (packages.length === 0) return { python, problems: [] };
  const missing = new Set(await missingModules(python, [...new Set(packages.map((p) => p.module))]));
  const problems = packages
    .filter((p) => missing.has(p.module))
    .map((p): PreflightProblem => ({
      check: "packages",
      message: `${python} has no module ${p.module}, and ${p.why}; install it (pip install -r runtime/worker/requirements.txt) or pass --python PATH`,
    }));
  return { python, problems };
}
