/** The run directory must exist or be creatable, and be writable: tried with a real file. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PreflightProblem } from "./types.js";

export function checkRunDir(runDir: string): PreflightProblem[] {
  const probe = path.join(runDir, `.align-preflight-${process.pid}`);
  try {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
    return [];
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return [{ check: "run-dir", message: `cannot write to the run directory ${runDir} (${e.code ?? "error"}: ${e.message.split("\n")[0]}); pass --run-dir DIR` }];
  }
}
