import type { Diagnostic, TextEdit } from "../../grammar/diagnostic.js";
import { NameCode, TypeCode } from "./compilerCodes.js";

/**
 * Which fix-its `align check --fix` applies, and applying them. A fix is safe when it changes
 * how something is spelled and not what the recipe means: a misspelt name with exactly one
 * close candidate, or a value written in the wrong syntax (a quoted number, a quoted enum
 * member). Guesses (the most likely unit, a similar column, removing an unused declaration,
 * a different setting) stay quick fixes for a person to choose.
 */

const RENAMES: ReadonlySet<string> = new Set([
  NameCode.UnknownReference.code,
  NameCode.UnknownKind.code,
  NameCode.UnknownVariant.code,
  NameCode.UnknownMember.code,
  NameCode.UnknownLaunchTarget.code,
  TypeCode.UnknownField.code,
  TypeCode.UnknownEnumMember.code,
]);

const ONE_CANDIDATE = /^did you mean `[^`]+`\?$/;

export function isSafeFix(d: Diagnostic): boolean {
  if (!d.fix || d.fix.edits.length === 0) return false;
  if (RENAMES.has(d.code)) return d.help !== undefined && ONE_CANDIDATE.test(d.help);
  return d.code === TypeCode.WrongType.code;
}

/** The safe fixes' edits by file (display path), in offset order, overlapping ones left out. */
export function safeEdits(diagnostics: readonly Diagnostic[]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const d of diagnostics) {
    if (!isSafeFix(d)) continue;
    for (const edit of d.fix!.edits) {
      const list = byFile.get(edit.span.file) ?? [];
      list.push(edit);
      byFile.set(edit.span.file, list);
    }
  }
  for (const [file, edits] of byFile) {
    edits.sort((a, b) => a.span.offset - b.span.offset);
    const kept: TextEdit[] = [];
    for (const e of edits) {
      const last = kept[kept.length - 1];
      if (last && e.span.offset < last.span.offset + last.span.length) continue;
      if (last && e.span.offset === last.span.offset && e.newText === last.newText) continue;
      kept.push(e);
    }
    byFile.set(file, kept);
  }
  return byFile;
}

/** Applies non-overlapping edits (in offset order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.span.offset) + e.newText;
    at = e.span.offset + e.span.length;
  }
  return out + text.slice(at);
}
