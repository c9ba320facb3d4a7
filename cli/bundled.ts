/**
 * Loading the check command's bundle (scripts/bundle-check.mjs) as CommonJS with V8's code cache
 * that the build wrote beside it: the bundle's functions come compiled, not parsed and compiled
 * again by every `align check`. A cache from another V8 is rejected by V8 itself and the
 * bundle compiles as usual. V8 matches a cache to its source by length only, so a cache older
 * than the bundle is not used at all (the build deletes it before bundling, too).
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** What wraps a CommonJS file's text, as Node's own loader does. */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) {", "\n})"] as const;

export interface CompiledBundle {
  readonly exports: unknown;
  /** The code cache of every function compiled so far (call after running the bundle's work). */
  readonly codeCache: () => Buffer;
}

/** Runs `file` (a CommonJS bundle) with the code cache in `cacheFile` when there is one. */
export function runBundle(file: string, cacheFile: string | undefined): CompiledBundle {
  const cachedData = cacheFile === undefined ? undefined : readIfNewer(cacheFile, file);
  const script = new Script(WRAPPER[0] + readFileSync(file, "utf8") + WRAPPER[1], { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const wrapped = script.runInThisContext() as (...args: unknown[]) => void;
  wrapped.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, codeCache: () => script.createCachedData() };
}

function readIfNewer(cacheFile: string, than: string): Buffer | undefined {
  const cache = statSync(cacheFile, { throwIfNoEntry: false });
  return cache?.isFile() && cache.mtimeMs >= statSync(than).mtimeMs ? readFileSync(cacheFile) : undefined;
}
