/**
 * The values the server takes from vscode-languageserver, loaded with require(). Why: the
 * package is CommonJS, and importing it from an ES module makes Node scan every file it
 * re-exports for named exports first, about 65 ms of CPU at each start of `align lsp` (the
 * import took 99 ms of CPU, require() 30 ms, measured here). Types come from the package as
 * usual (erased at build). The VS Code bundle swaps this file for static imports
 * (editors/vscode/src/protocol.ts), since it has no node_modules to require from.
 */
import { createRequire } from "node:module";
import type * as Lsp from "vscode-languageserver/node";

const lsp = createRequire(import.meta.url)("vscode-languageserver/node") as typeof Lsp;

export const {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeWatchedFilesNotification,
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  FoldingRangeKind,
  SymbolKind,
  InlayHintKind,
  ResponseError,
  ErrorCodes,
} = lsp;

// The kinds are also types (a union of their members), the class also an instance type.
export type FoldingRangeKind = Lsp.FoldingRangeKind;
export type SymbolKind = Lsp.SymbolKind;
export type TextDocuments<T extends { uri: string }> = Lsp.TextDocuments<T>;
