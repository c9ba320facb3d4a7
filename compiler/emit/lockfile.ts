/**
 * `align.lock.json` (docs/bundle.md, "Lockfile"): the sha256 of every input a run reads, so
 * `align verify` and the generated program can tell when a bundle no longer matches them.
 * Canonical JSON (keys sorted, two-space indent, one trailing newline); paths are posix and
 * relative (inputs to the recipe's directory, bundle files to the bundle), never absolute.
 */

/** Bumped when a field changes meaning; readers refuse other versions. */
export const LOCKFILE_VERSION = 1;

export type InputKind = "recipe" | "import" | "template" | "dataset" | "judge_module";

export interface LockInput {
  /** Relative to the root recipe's directory (the run's base directory), posix. */
  readonly path: string;
  readonly kind: InputKind;
  readonly sha256: string;
  readonly bytes: number;
  /** True: a copy is in the bundle under `inputs/`; false: referenced (inputs/ holds a link). */
  readonly copied: boolean;
}

export type BundleFileKind = "worker" | "requirements" | "runtime";

export interface LockBundleFile {
  /** Relative to the bundle, posix. */
  readonly path: string;
  readonly kind: BundleFileKind;
  readonly sha256: string;
}

/** A model or reward model, as the recipe names it (weights are not hashed). */
export interface LockModel {
  /** `models/policy`, `rewards/safety_rm`. */
  readonly name: string;
  readonly source: string;
  readonly id?: string;
  readonly revision?: string;
  readonly path?: string;
  /** True when the revision names a commit (40 hex digits), false for a moving ref such as `main`. */
  readonly pinned: boolean;
}

export interface Lockfile {
  readonly lockfile_version: number;
  readonly compiler: { readonly name: string; readonly version: string };
  readonly recipe: { readonly name: string; readonly file: string };
  readonly inputs: readonly LockInput[];
  readonly bundle: readonly LockBundleFile[];
  readonly models: readonly LockModel[];
  /** Environment variables the run reads (names only; values never enter a bundle). */
  readonly env: readonly string[];
}

/** JSON with keys sorted at every level: one value, one byte sequence. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v as Record<string, unknown>).sort();
      return Object.fromEntries(keys.map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

const byPath = <T extends { readonly path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The lockfile's bytes; entries sorted by path (models by name) whatever order they came in. */
export function emitLockfile(lock: Lockfile): string {
  return canonicalJson({
    ...lock,
    inputs: [...lock.inputs].sort(byPath),
    bundle: [...lock.bundle].sort(byPath),
    models: [...lock.models].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    env: [...lock.env].sort(),
  });
}
