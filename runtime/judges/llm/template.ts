/**
 * Prompt templates with checked slots. A slot `{name}` is filled from the sample: `prompt`,
 * `response`, `source`, or a data field of that name. Only the declared slots are replaced, so
 * other braces in a template (JSON examples, LaTeX) are left alone.
 */
import type { Sample } from "../types.js";

const SLOT = /\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;

export interface Template {
  readonly text: string;
  readonly slots: readonly string[];
}

/** The slots a template uses, in first-use order (when the plan did not list them). */
export function templateSlots(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(SLOT)) seen.add(match[1] as string);
  return [...seen];
}

export type FillResult =
  | { readonly ok: true; readonly text: string; readonly values: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly missing: string };

/** The text a slot takes for this sample, or undefined when the sample does not provide it. */
export function slotValue(sample: Sample, slot: string): string | undefined {
  if (slot === "prompt") return sample.prompt;
  if (slot === "response") return sample.response;
  if (slot === "source" && sample.source !== undefined) return sample.source;
  const value = sample.fields[slot];
  if (value === undefined || value === null) return undefined;
  // Structured fields (lists of tests, dicts) go in as JSON so the judge model sees them whole.
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function fillTemplate(template: Template, sample: Sample): FillResult {
  const values: Record<string, string> = {};
  for (const slot of template.slots) {
    const value = slotValue(sample, slot);
    if (value === undefined) return { ok: false, missing: slot };
    values[slot] = value;
  }
  // One pass with a replacer: a filled value containing `{response}` is never expanded again.
  const text = template.text.replace(SLOT, (whole, slot: string) => values[slot] ?? whole);
  return { ok: true, text, values };
}
