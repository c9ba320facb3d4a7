import * as path from "node:path";
import { workspace, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

/**
 * The align extension's client: starts the language server bundled in the extension (or the
 * `align` command set in `align.server.path`) for `.align` files and hands it the settings.
 */

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const config = workspace.getConfiguration("align");
  const custom = config.get<string>("server.path", "").trim();
  const bundled = context.asAbsolutePath(path.join("server", "align-lsp.mjs"));
  const serverOptions: ServerOptions = custom
    ? { command: custom, args: ["lsp", "--stdio"], transport: TransportKind.stdio }
    : { module: bundled, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "align" }],
    initializationOptions: { debounceMs: config.get<number>("diagnostics.debounceMs", 150) },
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.{align,jsonl,json,txt,md}") },
  };
  client = new LanguageClient("align", "align language server", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
