import { DiagnosticSeverity, DiagnosticTag } from "../protocol.js";
import type { Diagnostic as LspDiagnostic, TextEdit as LspTextEdit } from "vscode-languageserver";
import type { Diagnostic, Fix } from "../../grammar/diagnostic.js";
import { spanRange } from "../ranges.js";
import { pathToUri, type Analysis, type Workspace } from "../workspace.js";

/**
 * Diagnostics of one open document: exactly what `align check` reports for that file as a root
 * recipe (code, message, help and notes, related locations), with fix-its carried in `data` so
 * code actions apply the compiler's own edits.
 */

/** Codes of diagnostics about text that has no effect (shown faded). */
const UNNECESSARY = new Set(["AL4009"]);

export interface FixData {
  readonly title: string;
  /** Edits by document URI. */
  readonly changes: Record<string, LspTextEdit[]>;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function documentDiagnostics(analysis: Analysis, workspace: Workspace): LspDiagnostic[] {
  const own = workspace.displayPath(analysis.absolutePath);
  const out: LspDiagnostic[] = [];
  for (const d of analysis.checked.diagnostics) {
    // Diagnostics without a span (the file itself cannot be read) go on the first line.
    if (d.span && d.span.file !== own) continue;
    out.push(toLsp(d, analysis, workspace));
  }
  return out;
}

function toLsp(d: Diagnostic, analysis: Analysis, workspace: Workspace): LspDiagnostic {
  const range = d.span ? spanRange(analysis.lines, d.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const extra = [...(d.help !== undefined ? [`help: ${d.help}`] : []), ...(d.notes ?? []).map((n) => `note: ${n}`)];
  const related = (d.related ?? []).flatMap((r) => {
    const file = workspace.absolutePath(r.span.file);
    const lines = workspace.linesOf(file);
    return lines ? [{ location: { uri: pathToUri(file), range: spanRange(lines, r.span) }, message: r.message }] : [];
  });
  const fix = d.fix ? fixData(d.fix, workspace) : undefined;
  return {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "align",
    message: [d.message, ...extra].join("\n"),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...(UNNECESSARY.has(d.code) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    ...(fix ? { data: { fix } } : {}),
  };
}

export function fixData(fix: Fix, workspace: Workspace): FixData | undefined {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of fix.edits) {
    const file = workspace.absolutePath(edit.span.file);
    const lines = workspace.linesOf(file);
    if (!lines) return undefined;
    (changes[pathToUri(file)] ??= []).push({ range: spanRange(lines, edit.span), newText: edit.newText });
  }
  return { title: fix.title, changes };
}
