import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";

/**
 * A real LSP client over stdio: spawns `align lsp` (the built CLI) and speaks JSON-RPC to it
 * with vscode-jsonrpc, the library VS Code's own client is built on. Used by the protocol
 * tests and bench/lsp.ts.
 */

/** The repository root, whether this runs from bench/lib (tsx, vitest) or dist/bench/lib (built). */
export const repoRoot = findRepo(path.dirname(fileURLToPath(import.meta.url)));

function findRepo(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "bin", "align.js"))) return dir;
  }
  return process.cwd();
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

export interface LspDiagnostic {
  range: Range;
  severity?: number;
  code?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: Range }; message: string }[];
  tags?: number[];
  data?: unknown;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class LspClient {
  private readonly published = new Map<string, PublishedDiagnostics>();
  private readonly waiters: { uri: string; resolve: (p: PublishedDiagnostics) => void; after: number }[] = [];
  private versions = new Map<string, number>();
  private count = 0;
  readonly stderr: string[] = [];

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishedDiagnostics) => {
      this.count++;
      this.published.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && this.count > w.after) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    connection.onNotification("window/logMessage", (p: { message: string }) => {
      this.stderr.push(p.message);
    });
    connection.onRequest("client/registerCapability", () => null);
    connection.onRequest("workspace/configuration", () => []);
  }

  static async start(options: { root?: string; debounceMs?: number; command?: readonly string[] } = {}): Promise<LspClient> {
    const command = options.command ?? [process.execPath, path.join(repoRoot, "bin/align.js"), "lsp", "--stdio"];
    const child = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    child.stderr!.on("data", (d: Buffer) => client.stderr.push(d.toString()));
    connection.listen();
    const root = options.root ?? repoRoot;
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } },
      initializationOptions: { debounceMs: options.debounceMs ?? 0 },
    });
    await connection.sendNotification("initialized", {});
    return client;
  }

  /** Opens a file (its disk text, or `text`) and resolves with its first published diagnostics. */
  async open(file: string, text?: string): Promise<PublishedDiagnostics> {
    const uri = uriOf(file);
    const waiting = this.nextDiagnostics(uri);
    this.versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "align", version: 1, text: text ?? readFileSync(file, "utf8") },
    });
    return waiting;
  }

  /** Replaces the whole text; resolves with the next diagnostics published for it. */
  async change(file: string, text: string): Promise<PublishedDiagnostics> {
    const uri = uriOf(file);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const waiting = this.nextDiagnostics(uri);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return waiting;
  }

  async close(file: string): Promise<void> {
    await this.connection.sendNotification("textDocument/didClose", { textDocument: { uri: uriOf(file) } });
  }

  nextDiagnostics(uri: string): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => this.waiters.push({ uri, resolve, after: this.count }));
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.process.exitCode === null) this.process.kill();
  }
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}
