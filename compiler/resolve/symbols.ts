import type { Declaration, Document, Identifier } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import { NameCode } from "../diagnostics/compilerCodes.js";
import { suggestionFix } from "../diagnostics/suggest.js";
import { kindNames, kindSpec } from "../schema/registry.js";
import type { KindSpec, NamedKind } from "../schema/types.js";
import type { Module } from "./load.js";

/**
 * The symbol table: every named declaration under its qualified name (`ns.name` for
 * namespaced imports). Names share one namespace across kinds, so a reference that names a
 * declaration of the wrong kind gets a precise error rather than "unknown". Singletons
 * (recipe, cluster, each launch target) are kept apart: they cannot be referenced.
 */

export interface DeclSymbol {
  readonly qualifiedName: string;
  readonly kind: KindSpec;
  readonly declaration: Declaration;
  readonly module: Module;
}

export interface SymbolTable {
  readonly named: ReadonlyMap<string, DeclSymbol & { readonly kind: KindSpec & { readonly name: NamedKind } }>;
  /** `recipe`, `cluster`, `launch.<target>`. */
  readonly singletons: ReadonlyMap<string, DeclSymbol>;
  /** Declarations whose header is broken (unknown kind, missing name); they are not checked. */
  readonly invalid: ReadonlySet<Declaration>;
}

export function buildSymbols(modules: readonly Module[]): { table: SymbolTable; diagnostics: Diagnostic[] } {
  const named = new Map<string, DeclSymbol>();
  const singletons = new Map<string, DeclSymbol>();
  const invalid = new Set<Declaration>();
  const diagnostics: Diagnostic[] = [];
  // A file imported under two namespaces is two modules over one document: its headers are reported once.
  const reportedDocuments = new Set<Document>();
  for (const module of modules) {
    const reported = reportedDocuments.has(module.document);
    reportedDocuments.add(module.document);
    // Indexed: once per check over every declaration, mostly unoptimized (see checker.ts's checkSymbol).
    const items = module.document.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind !== "Declaration") continue;
      const header = checkHeader(item, reported ? undefined : diagnostics);
      if (!header) {
        invalid.add(item);
        continue;
      }
      if (header.kind.naming === "named" && header.kind.name !== "recipe") {
        const qualifiedName = module.prefix + header.name.name;
        addNamed(named, { qualifiedName, kind: header.kind, declaration: item, module }, header.name, diagnostics);
      } else {
        const key = header.kind.name === "launch" ? `launch.${header.name.name}` : header.kind.name;
        addSingleton(singletons, { qualifiedName: key, kind: header.kind, declaration: item, module }, diagnostics);
      }
    }
  }
  return { table: { named: named as SymbolTable["named"], singletons, invalid }, diagnostics };
}

interface Header {
  readonly kind: KindSpec;
  readonly name: Identifier;
}

/** Validates `KIND NAME`; reports into `diagnostics` unless it is undefined (already reported). */
function checkHeader(decl: Declaration, diagnostics: Diagnostic[] | undefined): Header | undefined {
  const kind = kindSpec(decl.declKind.name);
  if (!kind) {
    diagnostics?.push({
      code: NameCode.UnknownKind.code,
      severity: "error",
      message: `unknown declaration kind \`${decl.declKind.name}\``,
      span: decl.declKind.span,
      ...suggestionFix(decl.declKind, kindNames()),
      notes: [`the kinds are ${kindNames().join(", ")}`],
    });
    return undefined;
  }
  if (kind.naming === "singleton") return { kind, name: decl.name ?? decl.declKind };
  if (!decl.name) {
    if (kind.name === "recipe") return { kind, name: decl.declKind };
    diagnostics?.push({
      code: NameCode.MissingName.code,
      severity: "error",
      message: `a ${kind.name} declaration needs a name: \`${kind.syntax}\``,
      span: decl.declKind.span,
    });
    return undefined;
  }
  return { kind, name: decl.name };
}

function addNamed(table: Map<string, DeclSymbol>, symbol: DeclSymbol, name: Identifier, diagnostics: Diagnostic[]): void {
  const previous = table.get(symbol.qualifiedName);
  if (!previous) {
    table.set(symbol.qualifiedName, symbol);
    return;
  }
  const sameFile = previous.module.absolutePath === symbol.module.absolutePath;
  const first = previous.declaration.name?.span ?? previous.declaration.span;
  if (sameFile) {
    diagnostics.push({
      code: NameCode.DuplicateName.code,
      severity: "error",
      message: `\`${name.name}\` is declared more than once`,
      span: name.span,
      related: [{ span: first, message: `first declared here (as a ${previous.kind.name})` }],
    });
    return;
  }
  // Reported in the file nearer the root (modules are visited root first), where it can be fixed.
  diagnostics.push({
    code: NameCode.AmbiguousName.code,
    severity: "error",
    message: `\`${symbol.qualifiedName}\` is declared in both ${previous.module.file} and ${symbol.module.file}`,
    span: first,
    related: [{ span: name.span, message: `also declared here (as a ${symbol.kind.name})` }],
    help: "rename one, or import one of the files with `as NAMESPACE`",
  });
}

function addSingleton(table: Map<string, DeclSymbol>, symbol: DeclSymbol, diagnostics: Diagnostic[]): void {
  const previous = table.get(symbol.qualifiedName);
  if (!previous) {
    table.set(symbol.qualifiedName, symbol);
    return;
  }
  const what = symbol.qualifiedName.startsWith("launch.") ? `launch target \`${symbol.qualifiedName.slice(7)}\`` : `\`${symbol.qualifiedName}\``;
  diagnostics.push({
    code: NameCode.DuplicateSingleton.code,
    severity: "error",
    message: `${what} is declared more than once`,
    span: symbol.declaration.name?.span ?? symbol.declaration.declKind.span,
    related: [{ span: previous.declaration.name?.span ?? previous.declaration.declKind.span, message: "first declared here" }],
  });
}
