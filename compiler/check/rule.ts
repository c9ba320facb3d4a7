import type { Document } from "../../grammar/ast.js";
import type { Diagnostic, Fix, RelatedLocation } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import type { NamedSection, Plan } from "../plan/types.js";

/**
 * The contract between the checker and the semantic rules (compiler/check/rules/, one rule
 * per file). A rule reads the well-typed plan and reports diagnostics at source spans.
 */
export interface RuleContext {
  /** Only well-typed declarations (ill-typed ones are left out). */
  readonly plan: Plan;
  /**
   * `Object.entries(plan[section])` for a section of named declarations, listed as the plan was
   * built: a section of thousands of declarations is a dictionary object, slow to list and to
   * read by key (recipes have thousands of judges).
   */
  entriesOf<S extends NamedSection>(section: S): ReadonlyArray<readonly [string, Plan[S][string]]>;
  /** Root first, then imports. */
  readonly documents: readonly Document[];
  /** Absolute directory of the root recipe; plan paths are relative to it. */
  readonly rootDir: string;
  /**
   * Span of the value at a plan JSON pointer, e.g. "/tasks/t/optimizer/generations"; for
   * defaulted values, the span of the enclosing declaration's header.
   */
  spanOf(pointer: string): Span | undefined;
  /** The text a document was parsed from; undefined when the host did not say. */
  textOf?(document: Document): string | undefined;
  /** Cached; undefined if unreadable. */
  readFile(relativePath: string): string | undefined;
  /** The local Hugging Face hub cache (absolute), when the compiler was given one. */
  readonly hubCache?: string;
  /** The runtime's own checks of judge inputs, when the composition root gave them. */
  readonly judgeInputChecks?: JudgeInputChecks;
  /** Builds a diagnostic; severity comes from the registry. */
  diagnostic(
    code: string,
    span: Span | undefined,
    message: string,
    extra?: { help?: string; notes?: string[]; fix?: Fix; related?: RelatedLocation[] },
  ): Diagnostic;
}

/**
 * Checks of judge inputs whose definition lives in the runtime (which the compiler must not
 * import): the CLI and the language server pass the runtime's, so `align check` reports on a
 * dataset's first rows what the judge would refuse at run time.
 */
export interface JudgeInputChecks {
  /**
   * What an `instructions` judge would report for a row's requirements (one field, or IFEval's
   * ids and kwargs columns when `kwargs` is given), or null when it can judge them.
   */
  instructions?(requirements: unknown, kwargs?: unknown): string | null;
}

export interface Rule {
  readonly name: string;
  readonly codes: readonly string[];
  check(context: RuleContext): Diagnostic[];
}
