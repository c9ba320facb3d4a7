import * as path from "node:path";
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActions } from "./features/codeActions.js";
import { complete } from "./features/completion.js";
import { definition } from "./features/definition.js";
import { documentDiagnostics } from "./features/diagnostics.js";
import { foldingRanges } from "./features/folding.js";
import { formatDocument, formatRange } from "./features/formatting.js";
import { hover } from "./features/hover.js";
import { inlayHints } from "./features/inlayHints.js";
import { references } from "./features/references.js";
import { prepareRename, rename } from "./features/rename.js";
import { semanticTokens, semanticTokensLegend } from "./features/semanticTokens.js";
import { documentSymbols } from "./features/symbols.js";
import { offsetAt } from "./ranges.js";
import { uriToPath, Workspace, type Analysis } from "./workspace.js";

/**
 * The language server: wires each editor feature (one module each under features/) to the
 * connection. Diagnostics are published on open at once and on change after a debounce, for
 * the edited document and every open document that imports it; only the latest version of a
 * document is ever checked. A failure in one request is reported for that request only.
 */

export interface ServerSettings {
  /** Milliseconds of quiet after a change before diagnostics are recomputed (default 150). */
  readonly debounceMs: number;
}

const DEFAULT_SETTINGS: ServerSettings = { debounceMs: 150 };

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let workspace = new Workspace(process.cwd(), documents);
  let settings = DEFAULT_SETTINGS;
  const timers = new Map<string, NodeJS.Timeout>();
  let watchFiles = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    workspace = new Workspace(rootOf(params), documents);
    const options = (params.initializationOptions ?? {}) as Partial<ServerSettings>;
    if (typeof options.debounceMs === "number" && options.debounceMs >= 0) settings = { ...settings, debounceMs: options.debounceMs };
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [".", '"', "/", "{", "="] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        semanticTokensProvider: { legend: semanticTokensLegend, full: true },
        inlayHintProvider: true,
      },
      serverInfo: { name: "align", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*" }] });
    }
  });

  const publish = (uri: string) => {
    const analysis = workspace.analysis(uri);
    if (!analysis) return;
    const version = analysis.version;
    const diagnostics = guard(`diagnostics of ${uri}`, () => documentDiagnostics(analysis, workspace), []);
    void connection.sendDiagnostics({ uri, version, diagnostics });
  };

  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    if (delay === 0) {
      timers.delete(uri);
      publish(uri);
      return;
    }
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      publish(uri);
    }, delay));
  };

  /** The edited document and the open documents that load it. */
  const affected = (uri: string): string[] => {
    const file = uriToPath(uri);
    const others = (file ? workspace.dependents(file) : []).filter((u) => u !== uri);
    for (const other of others) workspace.invalidate(other);
    return [uri, ...others];
  };

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => {
    if (e.document.version === 1) return; // the open itself
    for (const uri of affected(e.document.uri)) schedule(uri, settings.debounceMs);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    workspace.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    for (const uri of affected(e.document.uri).slice(1)) schedule(uri, settings.debounceMs);
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) {
      const file = uriToPath(change.uri);
      if (file) workspace.fileChanged(file);
    }
    for (const doc of documents.all()) schedule(doc.uri, settings.debounceMs);
  });

  const withAnalysis = <T>(what: string, uri: string, empty: T, run: (a: Analysis) => T): T => {
    const analysis = workspace.analysis(uri);
    return analysis ? guard(`${what} in ${uri}`, () => run(analysis), empty) : empty;
  };

  connection.onCompletion((p) => withAnalysis("completion", p.textDocument.uri, null, (a) => complete(a, offsetAt(a.lines, p.position))));
  connection.onHover((p) => withAnalysis("hover", p.textDocument.uri, null, (a) => hover(a, workspace, offsetAt(a.lines, p.position))));
  connection.onDefinition((p) => withAnalysis("definition", p.textDocument.uri, null, (a) => definition(a, workspace, offsetAt(a.lines, p.position))));
  connection.onReferences((p) => withAnalysis("references", p.textDocument.uri, [], (a) => references(a, workspace, offsetAt(a.lines, p.position), p.context.includeDeclaration)));
  connection.onPrepareRename((p) => withAnalysis("rename", p.textDocument.uri, null, (a) => prepareRename(a, offsetAt(a.lines, p.position))));
  connection.onRenameRequest((p) => {
    // Invalid names are answered with an error the editor shows; guard() would swallow it.
    const analysis = workspace.analysis(p.textDocument.uri);
    return analysis ? rename(analysis, workspace, offsetAt(analysis.lines, p.position), p.newName) : null;
  });
  connection.onDocumentSymbol((p) => withAnalysis("symbols", p.textDocument.uri, [], documentSymbols));
  connection.onFoldingRanges((p) => withAnalysis("folding", p.textDocument.uri, [], foldingRanges));
  connection.onDocumentFormatting((p) => withAnalysis("formatting", p.textDocument.uri, [], formatDocument));
  connection.onDocumentRangeFormatting((p) => withAnalysis("formatting", p.textDocument.uri, [], (a) => formatRange(a, p.range)));
  connection.onCodeAction((p) => withAnalysis("code actions", p.textDocument.uri, [], (a) => codeActions(a, p.context.diagnostics)));
  connection.languages.semanticTokens.on((p) => withAnalysis("semantic tokens", p.textDocument.uri, { data: [] }, semanticTokens));
  connection.languages.inlayHint.on((p) => withAnalysis("inlay hints", p.textDocument.uri, [], (a) => inlayHints(a, p.range)));

  /** Runs one request; an exception is logged and the request gets an empty answer, and the server goes on. */
  function guard<T>(what: string, run: () => T, empty: T): T {
    try {
      return run();
    } catch (error) {
      connection.console.error(`align lsp: ${what} failed: ${(error as Error).stack ?? String(error)}`);
      return empty;
    }
  }

  documents.listen(connection);
  connection.listen();
}

function rootOf(params: InitializeParams): string {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  const fromUri = uri ? uriToPath(uri) : undefined;
  return fromUri ?? (params.rootPath ? path.resolve(params.rootPath) : process.cwd());
}
