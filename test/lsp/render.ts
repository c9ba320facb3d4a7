import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { LspDiagnostic, Range } from "../../bench/lib/lspClient.js";

/**
 * Protocol results as readable text for the expected files beside the fixtures: positions are
 * 1-based `line:col` (as `align check` prints them), URIs are paths relative to the fixtures.
 */

export function pos(p: { line: number; character: number }): string {
  return `${p.line + 1}:${p.character + 1}`;
}

export function range(r: Range): string {
  return `${pos(r.start)}-${pos(r.end)}`;
}

export function relativeUri(uri: string, base: string): string {
  return path.relative(base, fileURLToPath(uri)).split(path.sep).join("/");
}

export function diagnosticLines(diagnostics: readonly LspDiagnostic[], base: string): string[] {
  return diagnostics.flatMap((d) => [
    `${range(d.range)} ${["", "error", "warning", "info", "hint"][d.severity ?? 1]}[${d.code}] ${d.message.split("\n").join("\n    ")}`,
    ...(d.relatedInformation ?? []).map((r) => `  related ${relativeUri(r.location.uri, base)}:${range(r.location.range)} ${r.message}`),
    ...(d.tags?.length ? [`  tags ${d.tags.join(",")}`] : []),
  ]);
}

export interface Edit {
  range: Range;
  newText: string;
}

/** Applies LSP edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
