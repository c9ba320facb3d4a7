/**
 * `align setup`: the worker's virtual environment, made with the machine's own tools (`python3
 * -m venv`, then pip from `runtime/worker/requirements.txt`), for a fresh machine with Python but
 * no PyTorch. pip's own progress is passed through line by line, so a long download shows.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { execa } from "execa";

export interface SetupOptions {
  /** The venv to create (or complete). */
  readonly dir: string;
  /** The interpreter that creates it (default python3 on PATH). */
  readonly python?: string;
  readonly requirements: string;
  /** Extra pip arguments (an index, `--no-index --find-links DIR`). */
  readonly pipArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

export class SetupError extends Error {}

/** Runs a command, passing each output line to `log` prefixed; throws a SetupError on failure. */
async function step(what: string, file: string, args: readonly string[], opts: SetupOptions): Promise<void> {
  opts.log(`align setup: ${what}`);
  const child = execa(file, args, { reject: false, all: true, stdin: "ignore", env: { ...opts.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } as Record<string, string> });
  child.all?.setEncoding("utf8");
  let tail = "";
  child.all?.on("data", (chunk: string) => {
    const lines = (tail + chunk).split(/\r?\n|\r/);
    tail = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") opts.log(`  ${line}`);
  });
  const r = await child;
  if (tail.trim() !== "") opts.log(`  ${tail}`);
  if ((r as { code?: string }).code === "ENOENT") throw new SetupError(`${file}: no such program; install Python 3 (Debian: apt-get install -y python3 python3-venv) or pass --python PATH`);
  if (r.exitCode !== 0) throw new SetupError(`${what} failed (exit ${r.exitCode ?? r.signal}); the lines above say why`);
}

/** The venv's interpreter, ready for `--python` / ALIGN_PYTHON. */
export function venvPython(dir: string): string {
  return path.join(dir, "bin", "python");
}

export async function setupWorkerVenv(opts: SetupOptions): Promise<string> {
  if (!existsSync(opts.requirements)) throw new SetupError(`${opts.requirements}: no such file`);
  const python = venvPython(opts.dir);
  if (!existsSync(python)) await step(`creating ${opts.dir} with ${opts.python ?? "python3"} -m venv`, opts.python ?? "python3", ["-m", "venv", opts.dir], opts);
  await step(`installing ${path.basename(opts.requirements)} with pip (PyTorch alone is a large download)`, python,
    ["-m", "pip", "install", "--progress-bar", "on", ...(opts.pipArgs ?? []), "-r", opts.requirements], opts);
  return python;
}
