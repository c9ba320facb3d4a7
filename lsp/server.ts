import * as path from "node:path";
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
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

const CAPABILITIES: ServerCapabilities = {
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
};

/** What one connection shares: its documents, its workspace (set at initialize) and settings. */
interface Session {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  settings: ServerSettings;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const session: Session = { connection, documents, workspace: new Workspace(process.cwd(), documents), settings: DEFAULT_SETTINGS };
  let watchFiles = false;
  connection.onInitialize((params) => {
    session.workspace = new Workspace(rootOf(params), documents);
    const options = (params.initializationOptions ?? {}) as Partial<ServerSettings>;
    if (typeof options.debounceMs === "number" && options.debounceMs >= 0) session.settings = { ...session.settings, debounceMs: options.debounceMs };
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return { capabilities: CAPABILITIES, serverInfo: { name: "align", version: "0.1.0" } };
  });
  connection.onInitialized(() => {
    if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*" }] });
  });
  publishDiagnostics(session);
  answerRequests(session);
  documents.listen(connection);
  connection.listen();
}

/** Diagnostics on open, after edits (debounced, latest version only), on close and on file-watch events. */
function publishDiagnostics(session: Session): void {
  const { connection, documents } = session;
  const timers = new Map<string, NodeJS.Timeout>();
  const publish = (uri: string) => {
    timers.delete(uri);
    const analysis = session.workspace.analysis(uri);
    if (!analysis) return;
    const diagnostics = guard(session, `diagnostics of ${uri}`, () => documentDiagnostics(analysis, session.workspace), []);
    void connection.sendDiagnostics({ uri, version: analysis.version, diagnostics });
  };
  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    if (delay === 0) publish(uri);
    else timers.set(uri, setTimeout(() => publish(uri), delay));
  };
  /** The edited document and the open documents that load it (their analyses are now stale). */
  const affected = (uri: string): string[] => {
    const file = uriToPath(uri);
    const others = (file ? session.workspace.dependents(file) : []).filter((u) => u !== uri);
    for (const other of others) session.workspace.invalidate(other);
    return [uri, ...others];
  };
  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => {
    if (e.document.version === 1) return; // the open itself
    for (const uri of affected(e.document.uri)) schedule(uri, session.settings.debounceMs);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    const others = affected(e.document.uri).slice(1);
    session.workspace.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    for (const uri of others) schedule(uri, session.settings.debounceMs);
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) {
      const file = uriToPath(change.uri);
      if (file) session.workspace.fileChanged(file);
    }
    for (const doc of documents.all()) schedule(doc.uri, session.settings.debounceMs);
  });
}

/** Every request handler: the document's current analysis, then the feature, guarded. */
function answerRequests(session: Session): void {
  const { connection } = session;
  const on = <T>(what: string, uri: string, empty: T, run: (a: Analysis) => T): T => {
    const analysis = session.workspace.analysis(uri);
    return analysis ? guard(session, `${what} in ${uri}`, () => run(analysis), empty) : empty;
  };
  const ws = () => session.workspace;
  connection.onCompletion((p) => on("completion", p.textDocument.uri, null, (a) => complete(a, offsetAt(a.lines, p.position))));
  connection.onHover((p) => on("hover", p.textDocument.uri, null, (a) => hover(a, ws(), offsetAt(a.lines, p.position))));
  connection.onDefinition((p) => on("definition", p.textDocument.uri, null, (a) => definition(a, ws(), offsetAt(a.lines, p.position))));
  connection.onReferences((p) => on("references", p.textDocument.uri, [], (a) => references(a, ws(), offsetAt(a.lines, p.position), p.context.includeDeclaration)));
  connection.onPrepareRename((p) => on("rename", p.textDocument.uri, null, (a) => prepareRename(a, offsetAt(a.lines, p.position))));
  connection.onRenameRequest((p) => {
    // An invalid name is answered with an error the editor shows; guard() would swallow it.
    const analysis = ws().analysis(p.textDocument.uri);
    return analysis ? rename(analysis, ws(), offsetAt(analysis.lines, p.position), p.newName) : null;
  });
  connection.onDocumentSymbol((p) => on("symbols", p.textDocument.uri, [], documentSymbols));
  connection.onFoldingRanges((p) => on("folding", p.textDocument.uri, [], foldingRanges));
  connection.onDocumentFormatting((p) => on("formatting", p.textDocument.uri, [], formatDocument));
  connection.onDocumentRangeFormatting((p) => on("formatting", p.textDocument.uri, [], (a) => formatRange(a, p.range)));
  connection.onCodeAction((p) => on("code actions", p.textDocument.uri, [], (a) => codeActions(a, p.context.diagnostics)));
  connection.languages.semanticTokens.on((p) => on("semantic tokens", p.textDocument.uri, { data: [] }, semanticTokens));
  connection.languages.inlayHint.on((p) => on("inlay hints", p.textDocument.uri, [], (a) => inlayHints(a, p.range)));
}

/** Runs one request; an exception is logged and the request gets an empty answer, and the server goes on. */
function guard<T>(session: Session, what: string, run: () => T, empty: T): T {
  try {
    return run();
  } catch (error) {
    session.connection.console.error(`align lsp: ${what} failed: ${(error as Error).stack ?? String(error)}`);
    return empty;
  }
}

function rootOf(params: InitializeParams): string {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  const fromUri = uri ? uriToPath(uri) : undefined;
  return fromUri ?? (params.rootPath ? path.resolve(params.rootPath) : process.cwd());
}
