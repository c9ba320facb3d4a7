/**
 * The `POST /v1/judge` request body (docs/plan.md, "Judge server HTTP contract"), validated
 * with zod. A bad body gets one precise message naming the JSON path of the first problem, in
 * the contract's form: `samples[3].response: expected a string`.
 */
import { z } from "zod";
import type { Sample } from "../judges/types.js";

function requestSchema(maxSamples: number) {
  const sample = z.object({
    // The worker's ids are echoed back untouched; numbers are accepted as well as strings.
    id: z.union([z.string(), z.number()]),
    prompt: z.string(),
    response: z.string(),
    fields: z.record(z.string(), z.unknown()).nullable().optional(),
    source: z.string().nullable().optional(),
  });
  return z.object({
    task: z.string().min(1),
    samples: z.array(sample).max(maxSamples),
  });
}

export interface JudgeRequest {
  readonly task: string;
  readonly ids: ReadonlyArray<string | number>;
  readonly samples: readonly Sample[];
}

export type ParseOutcome = { readonly ok: true; readonly request: JudgeRequest } | { readonly ok: false; readonly message: string };

const schemas = new Map<number, ReturnType<typeof requestSchema>>();

export function parseJudgeRequest(body: unknown, maxSamples: number): ParseOutcome {
  let schema = schemas.get(maxSamples);
  if (schema === undefined) {
    schema = requestSchema(maxSamples);
    schemas.set(maxSamples, schema);
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, message: describeIssue(parsed.error.issues[0], maxSamples) };
  const samples = parsed.data.samples.map((raw): Sample => {
    const fields = raw.fields ?? {};
    return raw.source === undefined || raw.source === null
      ? { prompt: raw.prompt, response: raw.response, fields }
      : { prompt: raw.prompt, response: raw.response, fields, source: raw.source };
  });
  return { ok: true, request: { task: parsed.data.task, ids: parsed.data.samples.map((raw) => raw.id), samples } };
}

/** `["samples", 3, "response"]` → `samples[3].response`; the empty path is the body itself. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === "" ? "body" : out;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, maxSamples: number): string {
  if (issue === undefined) return "body: invalid request";
  const where = formatPath(issue.path);
  switch (issue.code) {
    case "invalid_type":
      return `${where}: expected ${article(issue.expected)}, got ${describeValue(issue.input)}`;
    case "invalid_union":
      return `${where}: expected a string or a number, got ${describeValue(issue.input)}`;
    case "too_big":
      return `${where}: at most ${maxSamples} samples per batch`;
    case "too_small":
      return `${where}: must not be empty`;
    default:
      return `${where}: ${issue.message}`;
  }
}

function article(type: string): string {
  if (type === "record") return "an object";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return article(typeof value);
}
