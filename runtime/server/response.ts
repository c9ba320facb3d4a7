/** The `POST /v1/judge` 200 body, in the contract's shape and key names (snake_case on the wire). */
import type { MojVerdict, SampleResult } from "../judges/moj.js";

export interface WireVerdict {
  readonly status: MojVerdict["status"];
  readonly reason: string;
  readonly latency_ms: number;
  readonly detail?: string;
}

export interface WireResult {
  readonly id: string | number;
  readonly feasible: boolean;
  readonly skip: boolean;
  readonly verdicts: Readonly<Record<string, WireVerdict>>;
}

export interface WireResponse {
  readonly task: string;
  readonly results: readonly WireResult[];
  readonly timings: { readonly total_ms: number };
}

export function toWireVerdict(verdict: MojVerdict, includeDetail: boolean): WireVerdict {
  const latency = round(verdict.latencyMs);
  return includeDetail && verdict.detail !== undefined
    ? { status: verdict.status, reason: verdict.reason, latency_ms: latency, detail: verdict.detail }
    : { status: verdict.status, reason: verdict.reason, latency_ms: latency };
}

export function toResponse(
  task: string,
  ids: ReadonlyArray<string | number>,
  results: readonly SampleResult[],
  totalMs: number,
  includeDetail: boolean,
): WireResponse {
  return {
    task,
    results: results.map((result, index) => ({
      id: ids[index] as string | number,
      feasible: result.feasible,
      skip: result.skip,
      verdicts: Object.fromEntries(Object.entries(result.verdicts).map(([name, v]) => [name, toWireVerdict(v, includeDetail)])),
    })),
    timings: { total_ms: round(totalMs) },
  };
}

/** Microsecond precision is plenty and keeps the JSON short. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
