/**
 * The API a generated program (a bundle's main.ts, docs/bundle.md) calls. This file holds types
 * only and imports nothing: align build ships it, with the two function declarations appended,
 * as `runtime/align-runtime.d.ts`, so main.ts type-checks under `tsc --strict` in the bundle.
 */

/** The user's code around stages (hooks.ts). */
export interface StageHooks {
  /** Before a stage runs (not when it is skipped as finished). */
  before?: (stage: string) => void | Promise<void>;
  /** After a stage ran; `ok` is false when it failed or was interrupted. */
  after?: (stage: string, ok: boolean) => void | Promise<void>;
}

/** A run in progress: the generated program calls `stage` for each stage in order, then `close`. */
export interface Program {
  /** Runs the stage (or skips it when finished, or when `--stage` names another); false once the run stopped. */
  stage(name: string): Promise<boolean>;
  /** Ends the run (judge server closed, run directory unlocked) and prints the summary; the exit code. */
  close(): Promise<number>;
}

export interface ProgramOptions {
  /** `import.meta.url` of the generated program: the bundle is its directory. */
  readonly programUrl: string;
  /** The program's arguments (default: this process's, after the script). */
  readonly argv?: readonly string[] | undefined;
  readonly hooks?: StageHooks | undefined;
}

/** Verifies the bundle, checks the environment and locks the run directory; an exit code when it cannot run. */
export type OpenProgram = (options: ProgramOptions) => Promise<Program | number>;

/** Calls `main` and sets the exit code when node started `programUrl` itself. */
export type RunIfMain = (programUrl: string, main: () => Promise<number>) => void;
