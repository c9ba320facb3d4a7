/**
 * One run per run directory: a lock file created exclusively holds the owner's pid. A second
 * run is refused with one line; a lock whose process is gone (killed, machine rebooted) is taken
 * over, since the stages' own state (result.json, checkpoints) decides what to redo.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import * as path from "node:path";

export const LOCK_FILE = ".align-run.lock";

export class RunDirInUse extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Takes the run directory's lock (taking over a stale one, noted in `log`); returns its release.
 * Re-entrant within a process: `align run` locks before writing the bundle into the run
 * directory, then the bundle's program (imported in the same process) finds the lock its own.
 */
export function lockRunDir(runDir: string, log: (line: string) => void): () => void {
  const file = path.join(runDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) return () => rmSync(file, { force: true });
    let owner = Number.NaN;
    try {
      owner = Number.parseInt(readFileSync(file, "utf8"), 10);
    } catch {
      continue;   // released between our attempt and the read: try again
    }
    if (owner === process.pid) return () => undefined;
    if (Number.isInteger(owner) && alive(owner)) {
      throw new RunDirInUse(`run directory ${runDir} is in use by process ${owner} (another align run); ` +
        `wait for it, or stop it (its lock: ${file})`);
    }
    log(`align run: taking over a stale lock of process ${Number.isNaN(owner) ? "?" : owner} (not running) in ${runDir}`);
    rmSync(file, { force: true });
  }
  throw new RunDirInUse(`cannot lock run directory ${runDir} (${file} keeps reappearing)`);
}
