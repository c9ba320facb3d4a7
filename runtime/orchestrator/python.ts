/**
 * Which Python runs the worker: `--python`, else `$ALIGN_PYTHON`, else the first of
 * /usr/bin/python3 and python3 that can import torch. /usr/bin/python3 comes first because a
 * pyenv or venv `python3` earlier on PATH usually lacks Debian's python3-torch (docs/run.md, "Python").
 */
import { execa } from "execa";

export const PYTHON_CANDIDATES = ["/usr/bin/python3", "python3"] as const;

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
  for (const candidate of PYTHON_CANDIDATES) {
    const why = await probe(candidate);
    if (why === "") return candidate;
    tried.push(`${candidate}: ${why}`);
  }
  throw new PythonNotFound(`no Python with PyTorch found (${tried.join("; ")}); install it ` +
    "(Debian: apt-get install -y python3-torch) or pass --python PATH or set ALIGN_PYTHON");
}
