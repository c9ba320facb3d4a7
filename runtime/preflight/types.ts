/** One problem found before a run starts: which check found it and a one-line message. */
export type PreflightCheck = "env" | "python" | "packages" | "sandbox" | "endpoint" | "run-dir";

export interface PreflightProblem {
  readonly check: PreflightCheck;
  readonly message: string;
}
