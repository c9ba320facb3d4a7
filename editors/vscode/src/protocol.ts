// The bundled server's lsp/protocol.ts: the same values, imported statically so that esbuild
// puts vscode-languageserver into the one file (lsp/protocol.ts requires it at run time).
export {
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
} from "vscode-languageserver/node";
