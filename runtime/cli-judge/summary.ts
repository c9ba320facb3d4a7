/** Per-judge tallies for `align judge`, and the table printed at the end. */
import type { MojStatus, SampleResult } from "../judges/moj.js";
import { topReasons } from "../judges/reasons.js";

export interface JudgeSummary {
  readonly judge: string;
  readonly total: number;
  readonly satisfied: number;
  readonly violated: number;
  readonly error: number;
  readonly skipped: number;
  /** How often each error reason came up. */
  readonly errorReasons: Readonly<Record<string, number>>;
  /** Latency percentiles over the samples the judge ran on (skipped excluded), in ms. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface RunTotals {
  readonly scored: number;
  readonly feasible: number;
  readonly skip: number;
  readonly malformed: number;
}

export class Tally {
  private readonly counts = new Map<string, Record<MojStatus, number>>();
  private readonly latencies = new Map<string, number[]>();
  private readonly reasons = new Map<string, Map<string, number>>();
  private totals = { scored: 0, feasible: 0, skip: 0, malformed: 0 };

  constructor(private readonly judges: readonly string[]) {
    for (const judge of judges) {
      this.counts.set(judge, { satisfied: 0, violated: 0, error: 0, skipped: 0 });
      this.latencies.set(judge, []);
      this.reasons.set(judge, new Map());
    }
  }

  add(result: SampleResult): void {
    this.totals.scored += 1;
    if (result.feasible) this.totals.feasible += 1;
    if (result.skip) this.totals.skip += 1;
    for (const judge of this.judges) {
      const verdict = result.verdicts[judge];
      const counts = this.counts.get(judge);
      if (verdict === undefined || counts === undefined) continue;
      counts[verdict.status] += 1;
      if (verdict.status === "error") {
        const reasons = this.reasons.get(judge);
        reasons?.set(verdict.reason, (reasons.get(verdict.reason) ?? 0) + 1);
      }
      if (verdict.status !== "skipped") this.latencies.get(judge)?.push(verdict.latencyMs);
    }
  }

  malformed(): void {
    this.totals.malformed += 1;
  }

  get scored(): number {
    return this.totals.scored;
  }

  summary(): { judges: JudgeSummary[]; totals: RunTotals } {
    const judges = this.judges.map((judge): JudgeSummary => {
      const counts = this.counts.get(judge) ?? { satisfied: 0, violated: 0, error: 0, skipped: 0 };
      const sorted = [...(this.latencies.get(judge) ?? [])].sort((a, b) => a - b);
      const errorReasons = Object.fromEntries(this.reasons.get(judge) ?? []);
      return { judge, total: this.totals.scored, ...counts, errorReasons, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
    });
    return { judges, totals: { ...this.totals } };
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

function rate(part: number, whole: number): string {
  return whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`;
}

function ms(value: number | null): string {
  if (value === null) return "-";
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

/** True when samples were judged and not one verdict came back satisfied or violated. */
export function everyVerdictErred(judges: readonly JudgeSummary[]): boolean {
  const decided = judges.reduce((n, j) => n + j.satisfied + j.violated, 0);
  return decided === 0 && judges.some((j) => j.error > 0);
}

export function renderTable(judges: readonly JudgeSummary[], totals: RunTotals): string {
  const header = ["judge", "pass", "violated", "error", "skipped", "p50 ms", "p99 ms", "top errors"];
  const rows = judges.map((j) => [j.judge, rate(j.satisfied, j.total), rate(j.violated, j.total), rate(j.error, j.total), rate(j.skipped, j.total), ms(j.p50Ms), ms(j.p99Ms), topReasons(j.errorReasons) || "-"]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const last = header.length - 1;
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 || column === last ? cell.padEnd(column === last ? 0 : (widths[column] as number)) : cell.padStart(widths[column] as number))).join("  ");
  const lines = [format(header), ...rows.map(format)];
  lines.push("");
  lines.push(`samples: ${totals.scored}  feasible: ${totals.feasible} (${rate(totals.feasible, totals.scored)})  skip: ${totals.skip}  malformed lines: ${totals.malformed}`);
  return `${lines.join("\n")}\n`;
}
