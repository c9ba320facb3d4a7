/**
 * Re-hashes what a bundle's lockfile names (docs/bundle.md, "Verify"): the run's inputs under
 * the base directory (default: the bundle's `inputs/`), and the bundle's own worker and runtime
 * files. Never touches the network; reads each file once, streamed.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Lockfile } from "../../compiler/emit/lockfile.js";
import { sha256File } from "./hash.js";

export const LOCKFILE_NAME = "align.lock.json";
const SUPPORTED_VERSION = 1;

/** One file that no longer matches the lockfile. */
export interface Drift {
  /** The file, as found on disk (absolute). */
  readonly file: string;
  readonly expected: string;
  /** The file's sha256 now, or `missing`. */
  readonly actual: string;
}

export class LockfileError extends Error {}

/** The bundle's lockfile, or a LockfileError saying why it cannot be used. */
export function readLockfile(bundleDir: string): Lockfile {
  const file = path.join(bundleDir, LOCKFILE_NAME);
  let lock: Lockfile;
  try {
    lock = JSON.parse(readFileSync(file, "utf8")) as Lockfile;
  } catch (error) {
    throw new LockfileError(`${file}: cannot read the lockfile: ${(error as Error).message}`);
  }
  if (lock.lockfile_version !== SUPPORTED_VERSION) {
    throw new LockfileError(`${file}: lockfile_version ${String(lock.lockfile_version)} is not supported ` +
      `(this runtime reads version ${SUPPORTED_VERSION}); rebuild the bundle with align build`);
  }
  return lock;
}

function check(file: string, expected: string): Drift | undefined {
  if (!existsSync(file)) return { file, expected, actual: "missing" };
  const actual = sha256File(file);
  return actual === expected ? undefined : { file, expected, actual };
}

/** Every input and bundle file whose bytes differ from the lockfile's, in lockfile order. */
export function verifyBundle(lock: Lockfile, bundleDir: string, baseDir: string): Drift[] {
  const drift: Drift[] = [];
  for (const input of lock.inputs) {
    const d = check(path.join(baseDir, ...input.path.split("/")), input.sha256);
    if (d !== undefined) drift.push(d);
  }
  for (const own of lock.bundle) {
    const d = check(path.join(bundleDir, ...own.path.split("/")), own.sha256);
    if (d !== undefined) drift.push(d);
  }
  return drift;
}

/** `file: expected sha256 X, actual Y` with the file shown relative to `cwd` when below it. */
export function driftLine(d: Drift, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, d.file);
  const shown = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : d.file;
  return `${shown}: expected sha256 ${d.expected}, actual ${d.actual === "missing" ? "missing" : `sha256 ${d.actual}`}`;
}
