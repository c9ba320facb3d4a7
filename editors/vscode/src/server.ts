// The bundled server's entry point: the same `align lsp` the CLI runs, on stdio.
import { runLanguageServer } from "../../../lsp/main.js";

runLanguageServer();
