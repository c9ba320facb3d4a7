import type { Severity } from "../../grammar/diagnostic.js";

/** One entry of the diagnostic code registry (compiler/diagnostics/codes.ts). */
export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
  readonly description: string;
  /** A small `.align` snippet that triggers the code. */
  readonly example: string;
}
