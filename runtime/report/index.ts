/**
 * `align report`: a run directory's files → one self-contained HTML page (docs/report.md).
 * `readRun` does the reading; everything else is a pure function of what it read.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderComparison, renderReport } from "./html.js";
import { readRun } from "./read.js";
import type { ReadOptions } from "./read.js";

export { renderComparison, renderReport } from "./html.js";
export { readRun, ReportError, defaultRecipeDir } from "./read.js";
export type { ReadOptions } from "./read.js";
export type { RunData, StageData, MetricRow, SampleRow } from "./types.js";

/** Where `align run` and `align report RUN_DIR` put the report. */
export const REPORT_FILE = "report.html";

/** Writes through a temporary file and a rename, so a browser never sees half a report. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Reads a run directory and writes its report (default `<runDir>/report.html`); returns the file. */
export function writeReport(runDir: string, opts: ReadOptions & { readonly out?: string } = {}): string {
  const out = opts.out ?? path.join(runDir, REPORT_FILE);
  writeAtomically(out, renderReport(readRun(runDir, opts)));
  return out;
}

/** Reads two run directories and writes their comparison to `out`. */
export function writeComparison(runA: string, runB: string, out: string, opts: ReadOptions = {}): string {
  writeAtomically(out, renderComparison(readRun(runA, { ...opts, label: runA }), readRun(runB, { ...opts, label: runB })));
  return out;
}
