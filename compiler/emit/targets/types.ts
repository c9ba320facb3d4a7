/**
 * The contract between `align build` and a launch target (docs/bundle.md, "Targets"). A target is
 * a pure function from the checked plan and a few facts about the bundle to the files it adds
 * under `launch/` (scripts, manifests). It never reads the file system, the environment or the
 * clock: the same context gives the same bytes (the bundle is byte-identical across builds).
 */
import type { Plan } from "../../plan/types.js";

/** One file of the bundle. */
export interface BundleFile {
  /** Bundle-relative, posix separators, no `..` (e.g. `launch/local.sh`). */
  readonly path: string;
  readonly content: string | Uint8Array;
  /** Written with mode 0755 (scripts), else 0644. */
  readonly executable?: boolean;
}

/** What a target knows when it writes its launch files. */
export interface TargetContext {
  readonly plan: Plan;
  /** The recipe's name (`recipe NAME`), for job names and log files. */
  readonly recipeName: string;
  /** The root recipe's file name as written in the lockfile (e.g. `tiny.align`). */
  readonly recipeFile: string;
  /**
   * The command that starts the generated program, relative to the bundle root, as argv
   * (`["node", "main.js"]`). A target adds `--launcher NAME` and its own flags; the program's
   * other flags (docs/bundle.md) pass through from the script's arguments.
   */
  readonly programCommand: readonly string[];
  /** Machines (`cluster.nodes`). */
  readonly nodes: number;
  /** Ranks started per machine: `cluster.gpus_per_node`, or `cluster.cpu_ranks` on CPU. */
  readonly ranksPerNode: number;
  /** True when the recipe runs on CPU (`gpus_per_node = 0`): gloo, no GPU requests. */
  readonly cpu: boolean;
  /** Names of the environment variables the run needs (`env("NAME")`), sorted; never values. */
  readonly envNames: readonly string[];
  /** This target's `launch NAME { ... }` block from the plan (`{}` when the recipe has none). */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The generated-file header, one line per entry, without comment markers: who generated the
   * file, from what, and the command that regenerates it. Prefix each line with the target
   * format's comment syntax.
   */
  readonly header: readonly string[];
}

export interface TargetEmitter {
  /** The `launch NAME` this target implements (also the `--target` name). */
  readonly name: string;
  /** The files the target adds to the bundle (paths under `launch/`). Pure. */
  emit(ctx: TargetContext): BundleFile[];
}
