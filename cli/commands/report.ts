import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { REPORT_FILE, ReportError, writeComparison, writeReport } from "../../runtime/report/index.js";

export interface ReportCommandOptions {
  readonly out?: string;
  readonly compare?: string[];
  readonly recipeDir?: string;
}

const COMPARE_FILE = "align-compare.html";

function usage(message: string): number {
  process.stderr.write(`align report: ${message}\n`);
  return 2;
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

/**
 * `align report RUN_DIR [--out FILE] [--recipe-dir DIR]` writes RUN_DIR/report.html (or FILE);
 * `align report --compare RUN_A RUN_B [--out FILE]` overlays two runs (default ./align-compare.html).
 * Works during a run too. Exit 0 written, 1 the run directory cannot be read, 2 usage errors.
 */
export function runReport(runDir: string | undefined, opts: ReportCommandOptions): number {
  const runs = opts.compare ?? (runDir === undefined ? [] : [runDir]);
  if (opts.compare !== undefined && (opts.compare.length !== 2 || runDir !== undefined)) {
    return usage("--compare takes exactly two run directories and no other (align report --compare RUN_A RUN_B)");
  }
  if (runs.length === 0) return usage("name a run directory (align report RUN_DIR)");
  const missing = runs.filter((d) => !isDirectory(d));
  if (missing.length > 0) return usage(missing.map((d) => `${d}: no such directory`).join("; "));
  const recipeDirs = opts.recipeDir === undefined ? [] : [path.resolve(opts.recipeDir)];
  try {
    const out = runs.length === 2
      ? writeComparison(runs[0]!, runs[1]!, opts.out ?? COMPARE_FILE, { recipeDirs })
      : writeReport(runs[0]!, { label: runs[0]!, recipeDirs, out: opts.out ?? path.join(runs[0]!, REPORT_FILE) });
    process.stdout.write(`align report: wrote ${out}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ReportError) {
      process.stderr.write(`align report: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
