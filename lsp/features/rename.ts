import { ResponseError, ErrorCodes } from "../protocol.js";
import type { Range, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { locate } from "../locate.js";
import { spanRange } from "../ranges.js";
import { symbolAt } from "../symbols.js";
import { pathToUri, rootDocument, rootModule, type Analysis, type Workspace } from "../workspace.js";
import { occurrences, target } from "./references.js";

/** Rename a declaration and every reference to it, across imports (namespaced references keep their prefix). */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function prepareRename(analysis: Analysis, offset: number): { range: Range; placeholder: string } | null {
  const located = locate(rootDocument(analysis), offset);
  const symbol = symbolAt(analysis, rootModule(analysis), located);
  if (!symbol || !located.identifier) return null;
  return { range: spanRange(analysis.lines, located.identifier.span), placeholder: located.identifier.name };
}

export function rename(analysis: Analysis, workspace: Workspace, offset: number, newName: string): WorkspaceEdit | null {
  if (!NAME.test(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name (letters, digits and _, not starting with a digit)`);
  const found = target(analysis, workspace, offset);
  if (!found) return null;
  if (analysis.table.named.has(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is already declared`);
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occurrences(found.analyses, found.symbol, true)) {
    const file = workspace.absolutePath(o.file);
    const lines = workspace.linesOf(file);
    if (!lines) continue;
    (changes[pathToUri(file)] ??= []).push({ range: spanRange(lines, o.id.span), newText: newName });
  }
  for (const edits of Object.values(changes)) edits.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { changes };
}
