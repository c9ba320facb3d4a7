/**
 * A stage's summary.json (written by the worker, docs/worker.md "Stage summary") as the lines
 * `align run` prints after the stage: rows in and out, and each judge's verdict counts with its
 * most frequent error reasons. Pure: the same summary gives the same lines.
 */
import { topReasons } from "../judges/reasons.js";

export interface JudgeCounts {
  readonly satisfied: number;
  readonly violated: number;
  readonly error: number;
  readonly skipped: number;
  readonly error_reasons: Readonly<Record<string, number>>;
}

export interface StageSummary {
  readonly stage: string;
  readonly rows_in: number;
  readonly samples: number;
  readonly kept: number;
  readonly dropped: number;
  readonly judges: Readonly<Record<string, JudgeCounts>>;
}


function judgeLine(name: string, c: JudgeCounts): string {
  const parts = [`satisfied ${c.satisfied}`, `violated ${c.violated}`, `error ${c.error}`];
  if (c.skipped > 0) parts.push(`skipped ${c.skipped}`);
  const reasons = topReasons(c.error_reasons);
  return `judge ${name}: ${parts.join(", ")}${reasons === "" ? "" : ` (${reasons})`}`;
}

/** One line of counts, then one line per judge, each prefixed `[stage]`. */
export function summaryLines(s: StageSummary): string[] {
  const head = `[${s.stage}] rows in ${s.rows_in}, samples ${s.samples}, kept ${s.kept}, dropped ${s.dropped}`;
  return [head, ...Object.keys(s.judges).sort().map((j) => `[${s.stage}] ${judgeLine(j, s.judges[j] as JudgeCounts)}`)];
}

/** The summary in a parsed summary.json, or undefined when it is not one. */
export function parseSummary(value: unknown): StageSummary | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const s = value as Partial<StageSummary>;
  const counts = [s.rows_in, s.samples, s.kept, s.dropped];
  if (typeof s.stage !== "string" || counts.some((n) => typeof n !== "number") || typeof s.judges !== "object" || s.judges === null) return undefined;
  return s as StageSummary;
}
