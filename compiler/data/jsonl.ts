/**
 * Reading the first rows of a JSONL dataset at check time. Datasets can be many gigabytes,
 * so the file is never read whole: at most `maxBytes` from the start and `maxRows` rows,
 * and a line cut off by the byte limit is dropped rather than reported as malformed.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { locateJsonError } from "./jsonError.js";

export interface JsonlLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

export const DEFAULT_JSONL_LIMITS: JsonlLimits = { maxRows: 20, maxBytes: 1 << 20 };

export interface JsonlRow {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly value: Readonly<Record<string, unknown>>;
}

/** The first line that is not a JSON object; reading stops there. */
export interface JsonlProblem {
  readonly line: number;
  /** 1-based column of the error in that line. */
  readonly column: number;
  readonly message: string;
}

export interface JsonlHead {
  readonly rows: readonly JsonlRow[];
  readonly problem?: JsonlProblem;
  /** True when the limits stopped reading before the end of the file. */
  readonly truncated: boolean;
}

export type DatasetHead =
  | ({ readonly kind: "ok" } & JsonlHead)
  | { readonly kind: "missing" }
  | { readonly kind: "unreadable"; readonly message: string };

/** Parses the rows at the start of a JSONL text, stopping at the first malformed line. */
export function parseJsonlHead(text: string, limits: JsonlLimits = DEFAULT_JSONL_LIMITS, complete = true): JsonlHead {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = body.split("\n");
  // Without the whole file the last piece may be a cut-off line: never judge it.
  if (!complete && lines.length > 1) lines.pop();
  const rows: JsonlRow[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (rows.length >= limits.maxRows) return { rows, truncated: true };
    const raw = (lines[index] ?? "").replace(/\r$/, "");
    if (raw.trim() === "") continue;
    const parsed = parseLine(raw, index + 1);
    if ("problem" in parsed) return { rows, problem: parsed.problem, truncated: false };
    rows.push(parsed.row);
  }
  return { rows, truncated: !complete };
}

function parseLine(raw: string, line: number): { row: JsonlRow } | { problem: JsonlProblem } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const located = locateJsonError(raw);
    const message = located?.message ?? (error instanceof Error ? error.message : String(error));
    return { problem: { line, column: (located?.offset ?? 0) + 1, message } };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const found = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return { problem: { line, column: 1, message: `expected a JSON object per line, found ${found}` } };
  }
  return { row: { line, value: value as Record<string, unknown> } };
}

/** Reads at most `limits.maxBytes` from the start of a file and parses its first rows. */
export function readJsonlHead(absolutePath: string, limits: JsonlLimits = DEFAULT_JSONL_LIMITS): DatasetHead {
  let descriptor: number;
  try {
    descriptor = openSync(absolutePath, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    return { kind: "unreadable", message: (error as Error).message };
  }
  try {
    // Sized by the file (a regular file's size is known), not always the limit: `align check`
    // reads every dataset's head, and zero-filling the limit (1 MiB) for each cost it more than
    // the reads. Not zero-filled: only the bytes read are looked at.
    const stat = fstatSync(descriptor);
    const buffer = Buffer.allocUnsafe((stat.isFile() ? Math.min(stat.size, limits.maxBytes) : limits.maxBytes) + 1);
    const length = readSync(descriptor, buffer, 0, buffer.length, 0);
    const complete = length <= limits.maxBytes;
    const text = buffer.subarray(0, Math.min(length, limits.maxBytes)).toString("utf8");
    return { kind: "ok", ...parseJsonlHead(text, limits, complete) };
  } catch (error) {
    // EISDIR and friends: the path exists but is not a readable file.
    return { kind: "unreadable", message: (error as Error).message };
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The value of a column in a row. A dotted name (`metadata.answer`) reaches into nested
 * objects when no top-level key has that exact name, since CGPO-style data nests metadata.
 */
export function columnValue(row: Readonly<Record<string, unknown>>, column: string): unknown {
  if (Object.hasOwn(row, column)) return row[column];
  let current: unknown = row;
  for (const part of column.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function hasColumn(row: Readonly<Record<string, unknown>>, column: string): boolean {
  return columnValue(row, column) !== undefined;
}

/** Column names seen in the rows, in first-seen order (top level only). */
export function columnsOf(rows: readonly JsonlRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row.value)) seen.add(key);
  return [...seen];
}
