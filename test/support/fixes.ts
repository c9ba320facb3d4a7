import { expect } from "vitest";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import { compileText } from "../compiler/helpers.js";

/** Applying rules' fix-its to recipe text, as an editor would. */

export function applyFix(text: string, diagnostic: Diagnostic): string {
  const edits = [...(diagnostic.fix?.edits ?? [])].sort((a, b) => b.span.offset - a.span.offset);
  return edits.reduce((out, e) => out.slice(0, e.span.offset) + e.newText + out.slice(e.span.offset + e.span.length), text);
}

/** The first `code` diagnostic's fix applied (it must have one), with the fix's title. */
export function fixOnce(text: string, code: string): { fixed: string; title: string } {
  const diagnostic = compileText(text).diagnostics.find((d) => d.code === code);
  expect(diagnostic?.fix, `${code} has a fix`).toBeDefined();
  return { fixed: applyFix(text, diagnostic!), title: diagnostic!.fix!.title };
}

export function codes(text: string): string[] {
  return compileText(text).diagnostics.map((d) => d.code);
}
