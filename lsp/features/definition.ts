import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Location } from "vscode-languageserver";
import type { StringLiteral } from "../../grammar/ast.js";
import { locate, type Located } from "../locate.js";
import { rangeOf, spanRange, touches } from "../ranges.js";
import { nameOf, symbolAt } from "../symbols.js";
import { pathToUri, rootDocument, rootModule, type Analysis, type Workspace } from "../workspace.js";

/**
 * Go to definition: a reference to its declaration (through imports), an import or a file
 * path to the file, and a dataset's column name to its first occurrence in the data file.
 */

export function definition(analysis: Analysis, workspace: Workspace, offset: number): Location | null {
  const located = locate(rootDocument(analysis), offset);
  const symbol = symbolAt(analysis, rootModule(analysis), located);
  if (symbol) {
    const file = workspace.absolutePath(symbol.module.file);
    const lines = workspace.linesOf(file);
    return lines ? { uri: pathToUri(file), range: spanRange(lines, nameOf(symbol).span) } : null;
  }
  if (located.import && touches(located.import.path.span, offset)) return fileLocation(analysis, located.import.path.value);
  const value = located.value?.node;
  if (value?.kind !== "String") return null;
  if (isPath(located)) return fileLocation(analysis, value.value);
  return columnLocation(analysis, workspace, located, value);
}

function isPath(located: Located): boolean {
  const callee = located.call?.callee.path.map((p) => p.name).join(".");
  const type = located.field?.spec?.type;
  return callee === "file" || callee === "jsonl" || (type?.kind === "string" && type.path === true);
}

function fileLocation(analysis: Analysis, relative: string): Location | null {
  const file = path.resolve(path.dirname(analysis.absolutePath), relative);
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  return { uri: pathToUri(file), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/** `prompt = "question"` in a dataset: the first `"question"` key in its data file. */
function columnLocation(analysis: Analysis, workspace: Workspace, located: Located, column: StringLiteral): Location | null {
  const decl = located.declaration;
  if (decl?.kind?.name !== "dataset" || located.field?.spec?.type.kind !== "string") return null;
  const pathArg = decl.declaration.args.find((a) => !a.name || a.name.name === "path")?.value;
  if (pathArg?.kind !== "String") return null;
  const file = path.resolve(path.dirname(analysis.absolutePath), pathArg.value);
  const lines = workspace.linesOf(file);
  if (!lines) return null;
  const key = JSON.stringify(column.value);
  const at = lines.text.indexOf(`${key}:`) >= 0 ? lines.text.indexOf(`${key}:`) : lines.text.indexOf(key);
  if (at < 0) return null;
  return { uri: pathToUri(file), range: rangeOf(lines, at, key.length) };
}
