import type { Span } from "./span.js";

/**
 * Diagnostics are plain data produced by every phase (syntax in grammar/, everything else in
 * compiler/) and rendered in one place (compiler/diagnostics/render.ts). Codes are banded by
 * phase: AL1xxx syntax, AL2xxx names and imports, AL3xxx types and schema, AL4xxx semantic
 * rules, AL5xxx data (datasets and templates), AL6xxx resources (memory, batch division).
 */
export type Severity = "error" | "warning" | "info";

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  /** Shown to the user, e.g. "replace `genrations` with `generations`". */
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface RelatedLocation {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  /** Stable code, e.g. `AL3001`; documented in docs/diagnostics.md and `align explain`. */
  readonly code: string;
  readonly severity: Severity;
  /** One sentence, no trailing period, names the thing that is wrong. */
  readonly message: string;
  /** Where; absent only for diagnostics about the invocation itself (e.g. a missing file). */
  readonly span?: Span;
  /** Extra lines rendered as `= note: ...` (numbers, reasons). */
  readonly notes?: readonly string[];
  /** A hint rendered as `= help: ...`, typically "did you mean `x`?". */
  readonly help?: string;
  readonly related?: readonly RelatedLocation[];
  /** Machine-applicable fix-it (LSP quick fix, `align check --fix` later). */
  readonly fix?: Fix;
}
