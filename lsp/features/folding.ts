import { FoldingRangeKind } from "../protocol.js";
import type { FoldingRange } from "vscode-languageserver";
import type { Value } from "../../grammar/ast.js";
import { walkDeclaration } from "../../compiler/check/rules/support/ast.js";
import { rootDocument, type Analysis } from "../workspace.js";

/** Folding: every declaration, block, list and call spanning lines, and runs of comment lines. */

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const document = rootDocument(analysis);
  const add = (offset: number, length: number, kind?: FoldingRangeKind) => {
    const start = analysis.lines.position(offset).line - 1;
    const end = analysis.lines.position(offset + length).line - 1;
    if (end > start) out.push({ startLine: start, endLine: kind === FoldingRangeKind.Comment ? end : end - 1, ...(kind ? { kind } : {}) });
  };
  for (const item of document.items) {
    if (item.kind !== "Declaration") continue;
    add(item.span.offset, item.span.length);
    walkDeclaration(item, (value: Value) => {
      if (value.kind === "Block" || value.kind === "List" || value.kind === "Call") add(value.span.offset, value.span.length);
    });
  }
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const comment of document.comments) {
    const line = comment.span.line - 1;
    if (run && line === run.end + 1) run.end = line;
    else {
      flush();
      run = { start: line, end: line };
    }
  }
  flush();
  const seen = new Set<string>();
  return out
    .filter((r) => r.endLine > r.startLine || r.kind === FoldingRangeKind.Comment)
    .filter((r) => !seen.has(`${r.startLine}:${r.endLine}`) && seen.add(`${r.startLine}:${r.endLine}`) !== undefined)
    .sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
}
