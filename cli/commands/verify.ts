import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { driftLine, LockfileError, readLockfile, verifyBundle } from "../../runtime/program/verify.js";

export interface VerifyOptions {
  /** Where the inputs are (the recipe's directory layout); default the bundle's inputs/. */
  readonly baseDir?: string;
}

/**
 * `align verify BUNDLE [--base-dir DIR]`: re-hashes every file align.lock.json names and prints
 * one line per change (file, expected and actual sha256). Exit 0 unchanged, 1 drift or an
 * unreadable lockfile, 2 when BUNDLE is not a directory. Never touches the network.
 */
export async function runVerify(bundle: string, opts: VerifyOptions): Promise<number> {
  if (!existsSync(bundle) || !statSync(bundle).isDirectory()) {
    process.stderr.write(`align verify: ${bundle}: not a directory (name a bundle written by align build)\n`);
    return 2;
  }
  const bundleDir = path.resolve(bundle);
  try {
    const lock = readLockfile(bundleDir);
    const baseDir = path.resolve(opts.baseDir ?? path.join(bundleDir, "inputs"));
    const drift = verifyBundle(lock, bundleDir, baseDir);
    for (const d of drift) process.stdout.write(`${driftLine(d)}\n`);
    const total = lock.inputs.length + lock.bundle.length;
    if (drift.length > 0) {
      process.stderr.write(`align verify: ${drift.length} of ${total} files differ from ${path.join(bundle, "align.lock.json")}\n`);
      return 1;
    }
    process.stdout.write(`align verify: ${total} files match ${path.join(bundle, "align.lock.json")}\n`);
    return 0;
  } catch (error) {
    if (error instanceof LockfileError) {
      process.stderr.write(`align verify: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
