import type { Diagnostic, Severity } from "../../grammar/diagnostic.js";
import { LineIndex } from "../../grammar/lineIndex.js";
import type { Span } from "../../grammar/span.js";

/**
 * The one place diagnostics become text: a rustc/tsc-style code frame for terminals and a
 * versioned JSON document for tools. Line and column come from spans; the end position is
 * derived from the source text when it is available.
 */

/** Looks up the text of a file named in a span (undefined when it cannot be read). */
export type SourceLookup = (file: string) => string | undefined;

export interface RenderOptions {
  readonly color: boolean;
}

/** Whether a stream should get ANSI colors: a TTY, and NO_COLOR unset (https://no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

interface Palette {
  severity(s: Severity, text: string): string;
  bold(text: string): string;
  gutter(text: string): string;
}

function palette(color: boolean): Palette {
  const wrap = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bySeverity: Record<Severity, string> = { error: "1;31", warning: "1;33", info: "1;36" };
  return {
    severity: (s, text) => wrap(bySeverity[s], text),
    bold: (text) => wrap("1", text),
    gutter: (text) => wrap("1;34", text),
  };
}

/** Renders diagnostics for a terminal, each followed by a blank line. */
export function renderText(diagnostics: readonly Diagnostic[], sources: SourceLookup, options: RenderOptions): string {
  const p = palette(options.color);
  const lines = new Map<string, LineIndex | undefined>();
  const indexOf = (file: string): LineIndex | undefined => {
    if (!lines.has(file)) {
      const text = sources(file);
      lines.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return lines.get(file);
  };
  return diagnostics.map((d) => renderOne(d, indexOf, p)).join("");
}

function renderOne(d: Diagnostic, indexOf: (file: string) => LineIndex | undefined, p: Palette): string {
  const out: string[] = [`${p.severity(d.severity, `${d.severity}[${d.code}]`)}${p.bold(`: ${d.message}`)}`];
  const width = gutterWidth(d);
  const pad = " ".repeat(width);
  if (d.span) {
    out.push(`${pad}${p.gutter("-->")} ${d.span.file}:${d.span.line}:${d.span.column}`);
    out.push(...frame(d.span, indexOf(d.span.file), width, p, "^", p.severity.bind(null, d.severity)));
  }
  for (const r of d.related ?? []) {
    out.push(`${pad}${p.gutter(":::")} ${r.span.file}:${r.span.line}:${r.span.column}`);
    out.push(...frame(r.span, indexOf(r.span.file), width, p, "-", p.gutter, r.message));
  }
  const help = d.help ?? (d.fix ? d.fix.title : undefined);
  if (d.span && (help !== undefined || (d.notes ?? []).length > 0)) out.push(`${pad} ${p.gutter("|")}`);
  if (help !== undefined) out.push(`${pad} ${p.gutter("=")} ${p.bold("help")}: ${help}`);
  for (const note of d.notes ?? []) out.push(`${pad} ${p.gutter("=")} ${p.bold("note")}: ${note}`);
  return out.join("\n") + "\n\n";
}

function gutterWidth(d: Diagnostic): number {
  const lines = [d.span?.line ?? 0, ...(d.related ?? []).map((r) => r.span.line)];
  return String(Math.max(...lines)).length;
}

/** The source line under a span with a marker row; empty when the text is unavailable. */
function frame(
  span: Span,
  index: LineIndex | undefined,
  width: number,
  p: Palette,
  marker: string,
  paint: (text: string) => string,
  label?: string,
): string[] {
  if (!index || span.line > index.lineCount) return [];
  const text = sourceLine(index, span.line);
  const bar = p.gutter("|");
  const before = text.slice(0, span.column - 1).replace(/[^\t]/g, " ");
  const available = Math.max(1, text.length - (span.column - 1));
  const length = Math.max(1, Math.min(span.length, available));
  const marks = paint(marker.repeat(length) + (label ? ` ${label}` : ""));
  const pad = " ".repeat(width);
  return [`${pad} ${bar}`, `${p.gutter(String(span.line).padStart(width))} ${bar} ${text}`, `${pad} ${bar} ${before}${marks}`];
}

function sourceLine(index: LineIndex, line: number): string {
  const start = index.lineStarts[line - 1] ?? 0;
  const next = index.lineStarts[line];
  const raw = index.text.slice(start, next ?? index.text.length);
  return raw.replace(/\r?\n$|\r$/, "");
}

/** "2 errors, 1 warning" (empty string when there is nothing). */
export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (s: Severity) => diagnostics.filter((d) => d.severity === s).length;
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (count("error")) parts.push(plural(count("error"), "error"));
  if (count("warning")) parts.push(plural(count("warning"), "warning"));
  return parts.join(", ");
}

/** The closing line after diagnostics: where to read more about the first code shown. */
export function explainHint(diagnostics: readonly Diagnostic[]): string | undefined {
  const first = diagnostics.find((d) => d.severity === "error") ?? diagnostics[0];
  return first === undefined ? undefined : `run \`align explain ${first.code}\` for more on a code`;
}

export const JSON_FORMAT_VERSION = 1;

export interface JsonDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  offset: number | null;
  length: number | null;
  help: string | null;
  notes: string[];
  /** Other places the diagnostic points at ("first declared here"), with their labels. */
  related: JsonLocation[];
  fix: { title: string; edits: { file: string; offset: number; length: number; line: number; column: number; newText: string }[] } | null;
}

export interface JsonLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  length: number;
  message: string;
}

/** The JSON document of `align check --format json` (format version 1). */
export function renderJson(diagnostics: readonly Diagnostic[], sources: SourceLookup): string {
  const indexes = new Map<string, LineIndex | undefined>();
  const indexOf = (file: string) => {
    if (!indexes.has(file)) {
      const text = sources(file);
      indexes.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return indexes.get(file);
  };
  const doc = { version: JSON_FORMAT_VERSION, diagnostics: diagnostics.map((d) => toJson(d, indexOf)) };
  return JSON.stringify(doc, null, 2) + "\n";
}

function toJson(d: Diagnostic, indexOf: (file: string) => LineIndex | undefined): JsonDiagnostic {
  const span = d.span;
  const end = span ? endPosition(span, indexOf(span.file)) : undefined;
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: span?.file ?? null,
    line: span?.line ?? null,
    column: span?.column ?? null,
    endLine: end?.line ?? null,
    endColumn: end?.column ?? null,
    offset: span?.offset ?? null,
    length: span?.length ?? null,
    help: d.help ?? null,
    notes: [...(d.notes ?? [])],
    related: (d.related ?? []).map((r) => {
      const endAt = endPosition(r.span, indexOf(r.span.file));
      const { file, line, column, offset, length } = r.span;
      return { file, line, column, endLine: endAt.line, endColumn: endAt.column, offset, length, message: r.message };
    }),
    fix: d.fix
      ? {
          title: d.fix.title,
          edits: d.fix.edits.map((e) => ({
            file: e.span.file,
            offset: e.span.offset,
            length: e.span.length,
            line: e.span.line,
            column: e.span.column,
            newText: e.newText,
          })),
        }
      : null,
  };
}

/** 1-based position just past the span's last character. */
function endPosition(span: Span, index: LineIndex | undefined): { line: number; column: number } {
  if (!index) return { line: span.line, column: span.column + span.length };
  return index.position(span.offset + span.length);
}
