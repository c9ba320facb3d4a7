import type { Identifier, Reference } from "../grammar/ast.js";
import { lookup } from "../compiler/resolve/lookup.js";
import type { Module } from "../compiler/resolve/load.js";
import type { DeclSymbol } from "../compiler/resolve/symbols.js";
import { stageKind } from "../compiler/schema/kinds/stages.js";
import type { FieldType } from "../compiler/schema/types.js";
import type { Analysis } from "./workspace.js";

/**
 * Names as the editor needs them: which declarations a field's value may name, and what a
 * written reference resolves to (the compiler's own lookup).
 */

export interface Candidate {
  /** As written from the root file: `policy`, `common.policy`, `finetune.model`. */
  readonly name: string;
  readonly symbol: DeclSymbol;
}

/** What a stage produces (`dataset`, `model`, `report`), from its variant. */
export function stageOutput(symbol: DeclSymbol): string | undefined {
  return stageKind.variants?.find((v) => v.name === symbol.declaration.variant?.name)?.produces;
}

/** Declarations a value of `type` may name, visible from `module`. */
export function candidatesFor(analysis: Analysis, module: Module, type: FieldType): Candidate[] {
  const out: Candidate[] = [];
  for (const [qualified, symbol] of analysis.table.named) {
    if (!qualified.startsWith(module.prefix)) continue;
    const name = qualified.slice(module.prefix.length);
    const kind = symbol.kind.name;
    if (type.kind === "ref" && kind === type.target) out.push({ name, symbol });
    if (type.kind === "data" && (kind === "dataset" || (kind === "stage" && stageOutput(symbol) === "dataset"))) out.push({ name, symbol });
    if (type.kind === "model" && kind === "model") out.push({ name, symbol });
    if (type.kind === "model" && kind === "stage" && stageOutput(symbol) === "model") out.push({ name: `${name}.model`, symbol });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The declaration a reference names (through namespaces and stage members). */
export function resolveReference(analysis: Analysis, module: Module, ref: Reference): DeclSymbol | undefined {
  return lookup(analysis.table, module, ref)?.symbol;
}

/** The module of the analysed program that holds `file` (a display path), root first. */
export function moduleOf(analysis: Analysis, file: string): Module | undefined {
  return analysis.program.modules.find((m) => m.file === file || m.document.file === file);
}

/** The identifier that names a declaration (its name, or its kind for singletons). */
export function nameOf(symbol: DeclSymbol): Identifier {
  return symbol.declaration.name ?? symbol.declaration.declKind;
}

/** The declaration the cursor names: a reference to it, or its own name. */
export function symbolAt(analysis: Analysis, module: Module, located: import("./locate.js").Located): DeclSymbol | undefined {
  const id = located.identifier;
  if (!id) return undefined;
  const decl = located.declaration?.declaration;
  if (decl && id === decl.name) return [...analysis.table.named.values()].find((s) => s.declaration === decl);
  const value = located.value?.node;
  if (value?.kind === "Reference" && value.path.includes(id)) return resolveReference(analysis, module, value);
  return undefined;
}
