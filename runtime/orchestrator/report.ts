/**
 * `align run` rewrites the run's report.html at the end of every stage it runs (docs/report.md).
 * The report is a view of the run directory, never part of the run: if it cannot be written, the
 * run goes on after one warning line.
 */
import * as path from "node:path";
import { writeReport } from "../report/index.js";

/** The run directory as shown in the report: relative to the recipe when below it, else its name. */
function label(runDir: string, recipeDir: string): string {
  const rel = path.relative(recipeDir, runDir);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.basename(runDir);
}

/** Writes `<runDir>/report.html`; returns the file, or undefined after logging why it could not. */
export function refreshReport(runDir: string, recipeDir: string, log: (line: string) => void): string | undefined {
  try {
    return writeReport(runDir, { label: label(runDir, recipeDir), recipeDirs: [path.join(runDir, "bundle", "inputs"), recipeDir] });
  } catch (error) {
    log(`align run: warning: report.html not written: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}
