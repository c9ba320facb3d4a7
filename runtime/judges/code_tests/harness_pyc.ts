/**
 * The harness compiled once per interpreter, so that a run loads bytecode instead of compiling
 * ~47 KB of source (about 5 ms of every verdict's CPU time on the development VM; bench/sandbox.ts).
 *
 * The bytecode is made on the host by the same interpreter file the sandbox runs (it is bound
 * read-only at the same path), from our own source: nothing of a sample is involved. A .pyc
 * runs only under the Python version that wrote it, so the cache is keyed by the interpreter's
 * real path, size and mtime: an upgraded interpreter gets a fresh compile. If compiling fails
 * (also transiently, e.g. no fork under load) the runs use the source, as before, until the
 * judge process restarts: slower, never a different verdict.
 */
import { execFile } from "node:child_process";
import { realpath, stat } from "node:fs/promises";
import { HARNESS_FILE, HARNESS_SOURCE } from "./harness.js";

export const HARNESS_PYC_FILE = "harness.pyc";

export interface HarnessProgram {
  /** Its name in the work dir, run as `python3 -B -s <file>`. */
  readonly file: string;
  readonly data: string | Uint8Array;
}

const SOURCE: HarnessProgram = { file: HARNESS_FILE, data: HARNESS_SOURCE };

// A .pyc header (magic, flags 0, 8 bytes a script's .pyc never checks) and the marshalled code.
const COMPILE = [
  "import importlib.util, marshal, sys",
  "code = compile(sys.stdin.read(), 'harness.py', 'exec', dont_inherit=True)",
  "sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code))",
].join("\n");

const compiled = new Map<string, Promise<HarnessProgram>>();

function compileWith(python: string): Promise<HarnessProgram> {
  return new Promise((resolve) => {
    // Isolated (-I: no cwd or environment on the import path), no site: only the standard library runs.
    const options = { cwd: "/", encoding: "buffer" as const, env: {}, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 };
    const child = execFile(python, ["-I", "-S", "-B", "-c", COMPILE], options, (err, stdout) => {
      resolve(err === null && stdout.length > 16 ? { file: HARNESS_PYC_FILE, data: new Uint8Array(stdout) } : SOURCE);
    });
    child.stdin?.on("error", () => {});
    child.stdin?.end(HARNESS_SOURCE);
  });
}

/** The harness for `python`: its bytecode when it compiles here, else the source. */
export async function harnessFor(python: string): Promise<HarnessProgram> {
  let key: string;
  try {
    const path = await realpath(python);
    const info = await stat(path);
    key = `${path}\0${info.size}\0${info.mtimeMs}`;
  } catch {
    return SOURCE; // a missing interpreter: the run reports it (sandbox_error)
  }
  let program = compiled.get(key);
  if (program === undefined) {
    program = compileWith(python);
    compiled.set(key, program);
  }
  return program;
}
