import { createConnection, ProposedFeatures } from "./protocol.js";
import { startServer } from "./server.js";

/** `align lsp`: the language server on stdin/stdout. Logs go to the client (window/logMessage), never stdout. */
export function runLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection);
}
