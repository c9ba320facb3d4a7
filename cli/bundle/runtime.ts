/**
 * The vendored runtime: runtime/program/index.ts and everything it imports (judges, judge server,
 * sandbox, orchestrator, npm dependencies such as ajv, franc, mathjs, execa) bundled by esbuild
 * into one ES module that runs with node alone (no node_modules, no network). Its declarations
 * are runtime/program/api.ts plus the two entry points. The bundle is cached under the hashes of
 * every file esbuild read (cli/bundle/cache.ts): a hit re-hashes those files, nothing more.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type * as esbuildTypes from "esbuild";
import { sha256File } from "../../runtime/program/hash.js";
import { cacheKey, readCached, writeCached } from "./cache.js";

export interface VendoredRuntime {
  readonly js: string;
  readonly dts: string;
}

/** Lazy `require`s (mathjs, a JSON schema) go through createRequire, which bundlers do not follow. */
const LAZY_REQUIRE = /const require = createRequire\(import\.meta\.url\);/g;

const lazyRequirePlugin: esbuildTypes.Plugin = {
  name: "align-lazy-require",
  setup(build) {
    // compiler/ too: the judges share checks from compiler/check/rules/support (the JSON Schema's).
    build.onLoad({ filter: /[\\/](runtime|compiler)[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!LAZY_REQUIRE.test(text)) return undefined;
      // The bundle's own `require` (the banner's) resolves what esbuild did not inline.
      return { contents: text.replace(LAZY_REQUIRE, ""), loader: "ts" };
    });
  },
};

const BANNER = [
  "// align runtime, bundled by align build from runtime/program/index.ts (do not edit).",
  'import { createRequire as __alignCreateRequire } from "node:module";',
  "const require = __alignCreateRequire(import.meta.url);",
].join("\n");

const DTS_TAIL = [
  "",
  "/** Verifies the bundle, checks the environment, locks the run directory; an exit code when it cannot run. */",
  "export declare const openProgram: OpenProgram;",
  "/** Calls `main` and sets the exit code when node started the program itself. */",
  "export declare const runIfMain: RunIfMain;",
  "",
].join("\n");

interface CacheIndex {
  /** Every file esbuild read, relative to the package root, with its sha256. */
  readonly inputs: readonly (readonly [string, string])[];
  readonly js: string;
}

/** What the bundle depends on besides its inputs: this module (options, plugin) and esbuild's version. */
function setupKey(root: string): string {
  const self = fileURLToPath(import.meta.url);
  const esbuildVersion = (JSON.parse(readFileSync(path.join(root, "node_modules/esbuild/package.json"), "utf8")) as { version: string }).version;
  return cacheKey({ self: sha256File(self), esbuild: esbuildVersion });
}

function unchanged(root: string, index: CacheIndex): boolean {
  try {
    return index.inputs.every(([file, sha]) => sha256File(path.join(root, file)) === sha);
  } catch {
    return false;
  }
}

async function bundle(root: string): Promise<CacheIndex> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: ["runtime/program/index.ts"],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    // A custom judge written in TypeScript needs tsx, which a bundle does not carry (docs/bundle.md).
    external: ["tsx", "tsx/*"],
    banner: { js: BANNER },
    legalComments: "eof",
    logLevel: "silent",
    plugins: [lazyRequirePlugin],
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error("esbuild produced no output for runtime/program/index.ts");
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes(":")).sort()
    .map((f) => [f, sha256File(path.join(root, f))] as const);
  return { inputs, js };
}

let memo: VendoredRuntime | undefined;

/** The bundled runtime (once per process; from the cache when no input changed). */
export async function vendoredRuntime(root: string): Promise<VendoredRuntime> {
  if (memo !== undefined) return memo;
  const key = setupKey(root);
  let index = readCached<CacheIndex>(root, "runtime", key);
  if (index === undefined || !unchanged(root, index)) {
    index = await bundle(root);
    writeCached(root, "runtime", key, index);
  }
  const api = readFileSync(path.join(root, "runtime/program/api.ts"), "utf8");
  memo = { js: index.js, dts: `${api}${DTS_TAIL}` };
  return memo;
}
