import type { Range, TextEdit } from "vscode-languageserver";
import { parse } from "../../grammar/index.js";
import { formatSource } from "../../compiler/format/index.js";
import { LineIndex } from "../../grammar/lineIndex.js";
import { offsetAt, rangeOf } from "../ranges.js";
import type { Analysis } from "../workspace.js";

/**
 * Formatting with the `align fmt` printer. The whole document becomes one minimal edit (the
 * changed middle, so the cursor and unchanged lines stay put); a range formats the top-level
 * items it touches. A file with syntax errors is left alone, as `align fmt` leaves it.
 */

export function formatDocument(analysis: Analysis): TextEdit[] {
  const formatted = formatSource(analysis.text, analysis.absolutePath).text;
  if (formatted === undefined || formatted === analysis.text) return [];
  return [minimalEdit(analysis.lines, analysis.text, formatted, 0)];
}

export function formatRange(analysis: Analysis, range: Range): TextEdit[] {
  const formatted = formatSource(analysis.text, analysis.absolutePath).text;
  if (formatted === undefined || formatted === analysis.text) return [];
  const start = offsetAt(analysis.lines, range.start);
  const end = offsetAt(analysis.lines, range.end);
  const before = parse(analysis.text, analysis.absolutePath).document.items;
  const after = parse(formatted, analysis.absolutePath).document.items;
  if (before.length !== after.length) return formatDocument(analysis);
  const touched = before.map((item, i) => ({ item, i })).filter(({ item }) => item.span.offset < end && item.span.offset + item.span.length > start);
  if (touched.length === 0) return [];
  const first = touched[0]!.i;
  const last = touched[touched.length - 1]!.i;
  const oldStart = before[first]!.span.offset;
  const oldEnd = before[last]!.span.offset + before[last]!.span.length;
  const newText = formatted.slice(after[first]!.span.offset, after[last]!.span.offset + after[last]!.span.length);
  const old = analysis.text.slice(oldStart, oldEnd);
  if (old === newText) return [];
  return [minimalEdit(analysis.lines, old, newText, oldStart)];
}

/** One edit replacing only what differs between `old` (at `base` in the document) and `next`. */
function minimalEdit(lines: LineIndex, old: string, next: string, base: number): TextEdit {
  let prefix = 0;
  while (prefix < old.length && prefix < next.length && old[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < next.length - prefix && old[old.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  return { range: rangeOf(lines, base + prefix, old.length - prefix - suffix), newText: next.slice(prefix, next.length - suffix) };
}
