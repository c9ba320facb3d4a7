import type { Identifier, Value } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import { makeDiagnostic, type DiagnosticExtra } from "../diagnostics/make.js";
import type { CompilerHost } from "../resolve/host.js";
import type { Module } from "../resolve/load.js";
import type { SymbolTable } from "../resolve/symbols.js";

/** What converting one declaration's values needs to know. */
export interface CheckScope {
  readonly module: Module;
  readonly table: SymbolTable;
  readonly host: CompilerHost;
  /** Absolute directory of the root recipe; plan paths are relative to it. */
  readonly rootDir: string;
  readonly diagnostics: Diagnostic[];
}

export function report(scope: CheckScope, code: string, span: Span, message: string, extra?: DiagnosticExtra): undefined {
  scope.diagnostics.push(makeDiagnostic(code, span, message, extra));
  return undefined;
}

/** "a string", "a duration", "the name `policy`", ... for messages. */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case "String":
      return "a string";
    case "Number":
      return `the number \`${value.raw}\``;
    case "Duration":
      return `the duration \`${value.raw}\``;
    case "Size":
      return `the size \`${value.raw}\``;
    case "Boolean":
      return `\`${value.value}\``;
    case "Reference":
      return `the name \`${pathText(value.path)}\``;
    case "Call":
      return `a call to \`${pathText(value.callee.path)}\``;
    case "List":
      return "a list";
    case "Block":
      return "a block";
    case "ErrorValue":
      return "an invalid value";
  }
}

export function pathText(path: readonly Identifier[]): string {
  return path.map((p) => p.name).join(".");
}

/** True when a value contains a parser-recovered subtree: such values are not checked. */
export function containsError(value: Value): boolean {
  switch (value.kind) {
    case "ErrorValue":
      return true;
    case "List":
      return value.items.some(containsError);
    case "Block":
      return value.fields.some((f) => containsError(f.value));
    case "Call":
      return value.args.some((a) => containsError(a.value)) || (value.block !== undefined && containsError(value.block));
    default:
      return false;
  }
}
