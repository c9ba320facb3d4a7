/**
 * Starting the command line from the bundle `npm run build` makes of it (scripts/bundle-check.mjs:
 * cli/main.ts, commander and the check command's ~150 modules in one CommonJS file), run as
 * CommonJS with V8's code cache that the build wrote beside it: one file read and its
 * functions compiled already, instead of Node reading, compiling and linking every ES module
 * on its own (which cost `align check` more than the check). A cache from another V8 is rejected
 * by V8 itself and the bundle compiles as usual. V8 matches a cache to its source by length
 * only, so a cache older than the bundle is not used at all (the build deletes it before
 * bundling, too). A bundle older than the compiled modules (a `tsc` run without the bundler)
 * is not used: the modules are.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

/**
 * What wraps a CommonJS file's text, as Node's own loader does, plus `__alignImport`: code run
 * through node:vm cannot `import()` on Node 20, so the bundle's imports of the other commands
 * call this instead (scripts/bundle-check.mjs rewrites them).
 */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname, __alignImport) {", "\n})"] as const;

export interface CompiledBundle {
  readonly exports: unknown;
  /** The code cache of every function compiled so far (call after running the bundle's work). */
  readonly codeCache: () => Buffer;
}

type CliModule = typeof import("./main.js");

/** Runs `align` with `argv` (process.argv), from the bundle when it is current. */
export async function startCli(argv: readonly string[]): Promise<void> {
  const bundle = fileURLToPath(new URL("./align.bundle.cjs", import.meta.url));
  const cli = isCurrent(bundle, [new URL("./main.js", import.meta.url), new URL("./commands/check.js", import.meta.url)])
    ? (runBundle(bundle, fileURLToPath(new URL("./align.bundle.cache", import.meta.url))).exports as CliModule)
    : await import("./main.js");
  await cli.main(argv);
}

/** Runs `file` (a CommonJS bundle) with the code cache in `cacheFile` when there is one. */
export function runBundle(file: string, cacheFile: string | undefined): CompiledBundle {
  const cachedData = cacheFile === undefined ? undefined : readIfNewer(cacheFile, file);
  const script = new Script(WRAPPER[0] + readFileSync(file, "utf8") + WRAPPER[1], { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const wrapped = script.runInThisContext() as (...args: unknown[]) => void;
  const importBeside = (specifier: string): Promise<unknown> => import(new URL(specifier, pathToFileURL(file)).href);
  wrapped.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importBeside);
  return { exports: module.exports, codeCache: () => script.createCachedData() };
}

function isCurrent(bundle: string, than: readonly URL[]): boolean {
  const time = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
  return time !== undefined && than.every((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= time);
}

function readIfNewer(cacheFile: string, than: string): Buffer | undefined {
  const cache = statSync(cacheFile, { throwIfNoEntry: false });
  return cache?.isFile() && cache.mtimeMs >= statSync(than).mtimeMs ? readFileSync(cacheFile) : undefined;
}
