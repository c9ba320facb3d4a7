/**
 * Compiling one row's requirements, apart from the judge: `align check` runs it on the first
 * rows of the datasets an instructions judge reads, and must not load what judging needs
 * (zod for the config, the text views, the language identifiers).
 */
import { compileRequirements, type CompiledRequirements } from "./compile.js";
import { parseRequirements } from "./requirements.js";

/** A rule list as the judge caches it: parsed, then compiled; errors as data. */
export function compileField(raw: unknown): CompiledRequirements {
  const parsed = parseRequirements(raw);
  if (!parsed.ok) return { ok: false, reason: "invalid_requirements", detail: parsed.detail };
  return compileRequirements(parsed.rules);
}

/**
 * What the judge would report for a row's requirements (one field's value, or IFEval's ids and
 * kwargs columns when `kwargs` is given), or null when they compile; `align check` runs it on
 * the first rows of the datasets an instructions judge reads.
 */
export function requirementsProblem(requirements: unknown, kwargs?: unknown): string | null {
  const raw = kwargs === undefined ? requirements : { instruction_id_list: fromJsonText(requirements), kwargs: fromJsonText(kwargs) };
  const compiled = compileField(raw);
  return compiled.ok ? null : compiled.detail;
}

/** `"[\"punctuation:no_comma\"]"` → the array; anything else as it is (parsing reports it). */
export function fromJsonText(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*\[/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
