import type { Document } from "../../grammar/ast.js";
import type { Diagnostic, Fix, RelatedLocation } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import type { Plan } from "../plan/types.js";

/**
 * The contract between the checker and the semantic rules (compiler/check/rules/, one rule
 * per file). A rule reads the well-typed plan and reports diagnostics at source spans.
 */
export interface RuleContext {
  /** Only well-typed declarations (ill-typed ones are left out). */
  readonly plan: Plan;
  /** Root first, then imports. */
  readonly documents: readonly Document[];
  /** Absolute directory of the root recipe; plan paths are relative to it. */
  readonly rootDir: string;
  /**
   * Span of the value at a plan JSON pointer, e.g. "/tasks/t/optimizer/generations"; for
   * defaulted values, the span of the enclosing declaration's header.
   */
  spanOf(pointer: string): Span | undefined;
  /** Cached; undefined if unreadable. */
  readFile(relativePath: string): string | undefined;
  /** The local Hugging Face hub cache (absolute), when the compiler was given one. */
  readonly hubCache?: string;
  /** Builds a diagnostic; severity comes from the registry. */
  diagnostic(
    code: string,
    span: Span | undefined,
    message: string,
    extra?: { help?: string; notes?: string[]; fix?: Fix; related?: RelatedLocation[] },
  ): Diagnostic;
}

export interface Rule {
  readonly name: string;
  readonly codes: readonly string[];
  check(context: RuleContext): Diagnostic[];
}
