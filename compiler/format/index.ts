import type { Diagnostic } from "../../grammar/diagnostic.js";
import { parse } from "../../grammar/index.js";
import { printDocument } from "./printer.js";

export { MAX_WIDTH } from "./printer.js";

export interface FormatResult {
  /** The canonical text, or undefined when the file has syntax errors (nothing to format). */
  readonly text: string | undefined;
  /** The syntax errors that prevented formatting; empty on success. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Formats one `.align` file canonically (docs/syntax.md, "Formatting"). Never changes meaning:
 * the result parses to the same AST apart from spans and comments, and formatting it again
 * changes nothing. A file with syntax errors is left alone.
 */
export function formatSource(text: string, file: string): FormatResult {
  const { document, diagnostics } = parse(text, file);
  if (diagnostics.some((d) => d.severity === "error")) return { text: undefined, diagnostics };
  return { text: printDocument(document, text), diagnostics };
}
