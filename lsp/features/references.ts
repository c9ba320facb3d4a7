import type { Location } from "vscode-languageserver";
import type { Identifier, Reference } from "../../grammar/ast.js";
import { declarations, referencesOf } from "../../compiler/check/rules/support/ast.js";
import type { DeclSymbol } from "../../compiler/resolve/symbols.js";
import { locate } from "../locate.js";
import { spanRange } from "../ranges.js";
import { nameOf, resolveReference, symbolAt } from "../symbols.js";
import { pathToUri, rootDocument, rootModule, type Analysis, type Workspace } from "../workspace.js";

/**
 * Find references: every written reference to the declaration under the cursor, in the
 * recipe, its imports and the open recipes that import its file. Declarations are compared by
 * identity: every analysis shares one parse per file text.
 */

export interface Occurrence {
  /** The identifier to rename: a declaration's name, or the last segment naming it (`ns.policy` → `policy`). */
  readonly id: Identifier;
  readonly file: string;
}

export function occurrences(analyses: readonly Analysis[], symbol: DeclSymbol, includeDeclaration: boolean): Occurrence[] {
  const seen = new Set<string>();
  const out: Occurrence[] = [];
  const add = (id: Identifier) => {
    const key = `${id.span.file}\u0000${id.span.offset}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ id, file: id.span.file });
  };
  if (includeDeclaration) add(nameOf(symbol));
  for (const analysis of analyses) {
    for (const module of analysis.program.modules) {
      for (const decl of declarations(module.document)) {
        for (const ref of referencesOf(decl)) {
          const target = resolveReference(analysis, module, ref);
          if (target?.declaration === symbol.declaration) add(namingSegment(ref, target));
        }
      }
    }
  }
  return out;
}

/** The path segment that spells the declaration's own name (`b` in `a.b`, `s` in `s.model`). */
function namingSegment(ref: Reference, target: DeclSymbol): Identifier {
  const name = nameOf(target).name;
  return [...ref.path].reverse().find((id) => id.name === name) ?? ref.path[ref.path.length - 1]!;
}

/** The symbol under the cursor and the analyses that may refer to it (this one first). */
export function target(analysis: Analysis, workspace: Workspace, offset: number): { symbol: DeclSymbol; analyses: Analysis[] } | undefined {
  const symbol = symbolAt(analysis, rootModule(analysis), locate(rootDocument(analysis), offset));
  if (!symbol) return undefined;
  const file = symbol.module.absolutePath;
  const others = workspace
    .dependents(file)
    .filter((uri) => uri !== analysis.uri)
    .map((uri) => workspace.analysis(uri))
    .filter((a): a is Analysis => a !== undefined);
  return { symbol, analyses: [analysis, ...others] };
}

export function references(analysis: Analysis, workspace: Workspace, offset: number, includeDeclaration: boolean): Location[] {
  const found = target(analysis, workspace, offset);
  if (!found) return [];
  return occurrences(found.analyses, found.symbol, includeDeclaration).flatMap((o) => {
    const file = workspace.absolutePath(o.file);
    const lines = workspace.linesOf(file);
    return lines ? [{ uri: pathToUri(file), range: spanRange(lines, o.id.span) }] : [];
  });
}
