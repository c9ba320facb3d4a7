/**
 * Input rows of `align judge`: one JSON object per line. A row is a sample:
 * `{"id"?, "prompt", "response", "source"?, "fields"?: {...}, ...more}`; data fields are the
 * row's `fields` object merged over its other top-level keys, so both the server's sample shape
 * and a flat dataset row (`{"prompt", "response", "answer"}`) work.
 */
import type { Sample } from "../judges/types.js";

const RESERVED = new Set(["id", "prompt", "response", "source", "fields", "verdicts", "feasible", "skip"]);

export type ParsedLine =
  | { readonly kind: "blank" }
  | { readonly kind: "sample"; readonly row: Readonly<Record<string, unknown>>; readonly sample: Sample }
  | { readonly kind: "malformed"; readonly message: string };

export function parseInputLine(line: string): ParsedLine {
  if (line.trim() === "") return { kind: "blank" };
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (error) {
    return { kind: "malformed", message: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) return { kind: "malformed", message: "expected a JSON object" };
  const record = row as Record<string, unknown>;
  for (const key of ["prompt", "response"] as const) {
    if (typeof record[key] !== "string") return { kind: "malformed", message: `${key}: expected a string` };
  }
  if (record.source !== undefined && record.source !== null && typeof record.source !== "string") {
    return { kind: "malformed", message: "source: expected a string" };
  }
  const nested = record.fields;
  if (nested !== undefined && nested !== null && (typeof nested !== "object" || Array.isArray(nested))) {
    return { kind: "malformed", message: "fields: expected an object" };
  }
  return { kind: "sample", row: record, sample: toSample(record, (nested ?? {}) as Record<string, unknown>) };
}

function toSample(row: Record<string, unknown>, nested: Record<string, unknown>): Sample {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!RESERVED.has(key)) fields[key] = value;
  Object.assign(fields, nested);
  const base = { prompt: row.prompt as string, response: row.response as string, fields };
  return typeof row.source === "string" ? { ...base, source: row.source } : base;
}
