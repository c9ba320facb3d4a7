/**
 * The whole bundle as data (docs/bundle.md): a pure function of the checked plan, the inputs'
 * bytes and hashes, the worker's files and the vendored runtime. Reading those and writing the
 * directory is the caller's (cli/bundle/); the same arguments always give the same files.
 */
import type { Plan } from "../plan/types.js";
import { COMPILER_VERSION } from "../version.js";
import { generatedHeader } from "./header.js";
import type { InputRef } from "./inputs.js";
import { collectModels } from "./inputs.js";
import { emitLockfile, LOCKFILE_VERSION } from "./lockfile.js";
import type { LockBundleFile, LockInput } from "./lockfile.js";
import type { GeneratedProgram, ProgramInput } from "./program.js";
import { emitReadme } from "./readme.js";
import { TARGETS } from "./targets/index.js";
import type { BundleFile, TargetContext } from "./targets/types.js";

export interface ReadInput {
  readonly ref: InputRef;
  readonly sha256: string;
  readonly bytes: number;
  /** The file's bytes when it is copied into the bundle; undefined when it is referenced. */
  readonly content: Uint8Array | undefined;
}

export interface SourceFile {
  /** Relative to its directory (the worker's, for worker files), posix. */
  readonly path: string;
  readonly content: Uint8Array;
  readonly sha256: string;
}

export interface BundleInput {
  readonly plan: Plan;
  readonly planJson: string;
  /** The root recipe's file name, relative to its directory. */
  readonly recipeFile: string;
  /** `file:line` of each stage's declaration. */
  readonly stageSources: Readonly<Record<string, string>>;
  readonly inputs: readonly ReadInput[];
  /** runtime/worker/align_worker/** (the package's files) and the pinned requirements. */
  readonly worker: readonly SourceFile[];
  readonly requirements: SourceFile;
  readonly runtime: { readonly js: string; readonly dts: string };
  /** Targets to emit (the recipe's `launch` blocks plus `local`, or `--target`). */
  readonly targets: readonly string[];
  /**
   * main.ts, hooks.ts and their JavaScript (compiler/emit/program.ts `generateProgram`, which
   * loads TypeScript: the caller may reuse an earlier result for the same `programInput`).
   */
  readonly program: GeneratedProgram;
  /** Environment variable names the plan reads. */
  readonly envNames: readonly string[];
  readonly ranksPerNode: number;
}

export interface Bundle {
  readonly files: readonly BundleFile[];
  /** Referenced inputs: `inputs/<path>` should link to `<recipe dir>/<path>`. */
  readonly referenced: readonly string[];
  /** Targets asked for that have no emitter (yet). */
  readonly missingTargets: readonly string[];
}

/** `tsc -p .` in the bundle type-checks main.ts and hooks.ts (strict) against the runtime's declarations. */
const TSCONFIG = `${JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", types: [] },
  files: ["main.ts", "hooks.ts"],
}, null, 2)}\n`;

/** What the generated program depends on: equal inputs give an equal GeneratedProgram. */
export function programInput(plan: Plan, recipeFile: string, stageSources: Readonly<Record<string, string>>): ProgramInput {
  return { plan, stageSources, header: generatedHeader(recipeFile) };
}

export const PROGRAM_COMMAND = ["node", "main.js"] as const;
export const RUNTIME_JS = "runtime/align-runtime.js";

function lockfile(b: BundleInput, runtimeSha: string): string {
  const inputs: LockInput[] = b.inputs.map((i) => ({
    path: i.ref.path, kind: i.ref.kind, sha256: i.sha256, bytes: i.bytes, copied: i.content !== undefined,
  }));
  const own: LockBundleFile[] = [
    ...b.worker.map((f) => ({ path: `worker/${f.path}`, kind: "worker" as const, sha256: f.sha256 })),
    { path: "worker/requirements.txt", kind: "requirements", sha256: b.requirements.sha256 },
    { path: RUNTIME_JS, kind: "runtime", sha256: runtimeSha },
  ];
  return emitLockfile({
    lockfile_version: LOCKFILE_VERSION,
    compiler: { name: "align", version: COMPILER_VERSION },
    recipe: { name: b.plan.recipe.name, file: b.recipeFile },
    inputs, bundle: own, models: collectModels(b.plan), env: b.envNames,
  });
}

/** Every file of the bundle, sorted by path. `sha` hashes a string (sha256, hex). */
export function emitBundle(b: BundleInput, sha: (content: string) => string): Bundle {
  const header = generatedHeader(b.recipeFile);
  const { program } = b;
  const ctx: Omit<TargetContext, "config"> = {
    plan: b.plan, recipeName: b.plan.recipe.name, recipeFile: b.recipeFile, programCommand: PROGRAM_COMMAND,
    nodes: b.plan.cluster.nodes, ranksPerNode: b.ranksPerNode, cpu: b.plan.cluster.gpus_per_node === 0,
    envNames: b.envNames, header,
  };
  const launch = b.plan.launch as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  const emitted: Record<string, string[]> = {};
  const targetFiles: BundleFile[] = [];
  const missingTargets: string[] = [];
  for (const name of [...new Set(b.targets)].sort()) {
    const target = TARGETS[name];
    if (target === undefined) {
      missingTargets.push(name);
      continue;
    }
    const files = target.emit({ ...ctx, config: launch[name] ?? {} });
    emitted[name] = files.map((f) => f.path);
    targetFiles.push(...files);
  }
  const referenced = b.inputs.filter((i) => i.content === undefined).map((i) => i.ref.path);
  const files: BundleFile[] = [
    { path: "plan.json", content: b.planJson },
    // node and tsc read main.js, hooks.js and the runtime as ES modules because of this file.
    { path: "package.json", content: `${JSON.stringify({ name: `align-bundle-${b.plan.recipe.name}`, private: true, type: "module" }, null, 2)}\n` },
    { path: "main.ts", content: program.main },
    { path: "tsconfig.json", content: TSCONFIG },
    { path: "main.js", content: program.mainJs },
    { path: "hooks.ts", content: program.hooks },
    { path: "hooks.js", content: program.hooksJs },
    { path: RUNTIME_JS, content: b.runtime.js },
    { path: "runtime/align-runtime.d.ts", content: b.runtime.dts },
    ...b.worker.map((f) => ({ path: `worker/${f.path}`, content: f.content })),
    { path: "worker/requirements.txt", content: b.requirements.content },
    ...b.inputs.flatMap((i) => (i.content === undefined ? [] : [{ path: `inputs/${i.ref.path}`, content: i.content }])),
    ...targetFiles,
    { path: "align.lock.json", content: lockfile(b, sha(b.runtime.js)) },
    { path: "README.md", content: emitReadme({
      plan: b.plan, recipeFile: b.recipeFile, header, targets: emitted, envNames: b.envNames,
      models: collectModels(b.plan), referenced, ranksPerNode: b.ranksPerNode,
    }) },
  ];
  files.sort((a, c) => (a.path < c.path ? -1 : a.path > c.path ? 1 : 0));
  return { files, referenced, missingTargets };
}
