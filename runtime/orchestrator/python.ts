/**
 * Which Python runs the worker: `--python`, else `$ALIGN_PYTHON`, else the first of
 * /usr/bin/python3 and python3 that can import torch. /usr/bin/python3 comes first because a
 * pyenv or venv `python3` earlier on PATH usually lacks Debian's python3-torch (docs/run.md, "Python").
 */
import * as path from "node:path";
import { execa } from "execa";
import { findWorkerDir } from "../launch/worker.js";

export const PYTHON_CANDIDATES = ["/usr/bin/python3", "python3"] as const;

/** `.venv-worker/bin/python` of this checkout, which `align setup` creates; tried last. */
function setupVenvPython(): string | undefined {
  try {
    return path.join(path.dirname(path.dirname(findWorkerDir())), ".venv-worker", "bin", "python");
  } catch {
    return undefined;
  }
}

export class PythonNotFound extends Error {}

/**
 * Looks torch up without importing it: the import takes seconds, and the worker imports it right
 * after anyway (a broken install then fails there, with its traceback).
 */
const PROBE = "import importlib.util, sys\n" +
  "sys.exit(0 if importlib.util.find_spec('torch') else 'No module named torch')";

/** Empty when `python` can import torch; otherwise why not, in a few words. */
async function probe(python: string): Promise<string> {
  const r = await execa(python, ["-c", PROBE], { reject: false, timeout: 60_000, stdin: "ignore" });
  if (r.exitCode === 0) return "";
  if ((r as { code?: string }).code === "ENOENT") return "no such program";
  const last = r.stderr.trim().split("\n").pop() ?? "";
  return last === "" ? `exit ${r.exitCode ?? r.signal ?? "?"}` : last;
}

export interface PythonChoice {
  /** Explicit interpreter (`--python`); wins over the environment. */
  readonly python?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Interpreters tried in order (default: PYTHON_CANDIDATES, then the `align setup` venv). */
  readonly candidates?: readonly string[];
}

/** The interpreter to run the worker with, or a PythonNotFound naming what is missing. */
export async function choosePython(choice: PythonChoice): Promise<string> {
  const env = choice.env ?? process.env;
  const explicit = choice.python ?? (env["ALIGN_PYTHON"] || undefined);
  if (explicit !== undefined) {
    const origin = choice.python !== undefined ? "--python" : "$ALIGN_PYTHON";
    const why = await probe(explicit);
    if (why === "") return explicit;
    throw new PythonNotFound(`${explicit} (from ${origin}) cannot run the worker: cannot import torch (${why}); ` +
      "point it at a Python with PyTorch (Debian: apt-get install -y python3-torch)");
  }
  const tried: string[] = [];
  const venv = setupVenvPython();
  const candidates = choice.candidates ?? [...PYTHON_CANDIDATES, ...(venv === undefined ? [] : [venv])];
  for (const candidate of candidates) {
    const why = await probe(candidate);
    if (why === "") return candidate;
    tried.push(`${candidate}: ${why}`);
  }
  throw new PythonNotFound(`no Python with PyTorch found (${tried.join("; ")}); run \`npx align setup\` ` +
    "to create .venv-worker with pip (downloads PyTorch), or install it (Debian: apt-get install -y python3-torch), " +
    "or pass --python PATH or set ALIGN_PYTHON");
}
