import type { Identifier, Reference } from "../../grammar/ast.js";
import type { Module } from "./load.js";
import type { DeclSymbol, SymbolTable } from "./symbols.js";

/**
 * Name lookup from inside a module. A written path `a.b` is first the qualified name
 * `PREFIX + "a.b"` (a namespaced import), then `PREFIX + "a"` with member `b` (a stage output
 * such as `finetune.model`).
 */
export interface Resolved {
  readonly symbol: DeclSymbol;
  readonly member?: Identifier;
}

export function lookup(table: SymbolTable, module: Module, ref: Reference): Resolved | undefined {
  const names = ref.path.map((id) => id.name);
  const full = table.named.get(module.prefix + names.join("."));
  if (full) return { symbol: full };
  if (names.length >= 2) {
    const head = table.named.get(module.prefix + names.slice(0, -1).join("."));
    const member = ref.path[ref.path.length - 1]!;
    if (head) return { symbol: head, member };
  }
  return undefined;
}

/** Names visible from `module` (as written there), optionally only of some kinds. */
export function visibleNames(table: SymbolTable, module: Module, kinds?: readonly string[]): string[] {
  const out: string[] = [];
  for (const [qualified, symbol] of table.named) {
    if (!qualified.startsWith(module.prefix)) continue;
    if (kinds && !kinds.includes(symbol.kind.name)) continue;
    out.push(qualified.slice(module.prefix.length));
  }
  return out.sort();
}
