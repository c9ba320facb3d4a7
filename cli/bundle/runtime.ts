/**
 * The vendored runtime: runtime/program/index.ts and everything it imports (judges, judge server,
 * sandbox, orchestrator, npm dependencies such as ajv, franc, mathjs, execa) bundled by esbuild
 * into one ES module that runs with node alone (no node_modules, no network). Its declarations
 * are runtime/program/api.ts plus the two entry points.
 *
 * Bundling takes seconds, so it is done once: `npm run build` leaves the bundle in dist/vendor/
 * (cli/bundle/prebuild.ts), and otherwise it is cached under the hashes of every file esbuild
 * read (cli/bundle/cache.ts). Either is used only when every one of those files still has its
 * recorded hash, so a stale bundle is never vendored; ALIGN_BUILD_CACHE=off bundles afresh.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type * as esbuildTypes from "esbuild";
import { sha256Bytes, sha256File } from "../../runtime/program/hash.js";
import { cacheKey, cacheOff, readCached, writeCached } from "./cache.js";

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

/**
 * What the bundle depends on besides its inputs: this module's source (options, plugin; the .ts,
 * so that dist/ and the sources agree on the key) and esbuild's version.
 */
function setupKey(root: string): string {
  const here = fileURLToPath(import.meta.url);
  const source = path.join(root, "cli", "bundle", "runtime.ts");
  const esbuildVersion = (JSON.parse(readFileSync(path.join(root, "node_modules/esbuild/package.json"), "utf8")) as { version: string }).version;
  return cacheKey({ self: sha256File(existsSync(source) ? source : here), esbuild: esbuildVersion });
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

/** What `npm run build` leaves in dist/vendor/: the bundle, and beside it its key, inputs and sha256. */
interface PrebuiltIndex {
  readonly key: string;
  readonly inputs: readonly (readonly [string, string])[];
  readonly sha256: string;
}

export interface PrebuiltFiles {
  readonly index: string;
  readonly js: string;
}

export function prebuiltFiles(root: string): PrebuiltFiles {
  const dir = path.join(root, "dist", "vendor");
  return { index: path.join(dir, "align-runtime.json"), js: path.join(dir, "align-runtime.js") };
}

/** The prebuilt bundle's text when it was made with today's setup from files that are all unchanged. */
export function readPrebuilt(root: string, files: PrebuiltFiles = prebuiltFiles(root)): string | undefined {
  return cacheOff() ? undefined : prebuiltIndex(root, setupKey(root), files)?.js;
}

function prebuiltIndex(root: string, key: string, files: PrebuiltFiles): CacheIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(files.index, "utf8")) as PrebuiltIndex;
    if (index.key !== key) return undefined;
    const js = readFileSync(files.js, "utf8");
    const found = { inputs: index.inputs, js };
    return sha256Bytes(js) === index.sha256 && unchanged(root, found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** From the cache, or bundled now (and cached). */
async function cachedOrBundled(root: string, key: string): Promise<CacheIndex> {
  const cached = readCached<CacheIndex>(root, "runtime", key);
  if (cached !== undefined && unchanged(root, cached)) return cached;
  const made = await bundle(root);
  writeCached(root, "runtime", key, made);
  return made;
}

let memo: VendoredRuntime | undefined;

/** The bundled runtime (once per process): prebuilt, cached or bundled now, the same bytes each way. */
export async function vendoredRuntime(root: string): Promise<VendoredRuntime> {
  if (memo !== undefined) return memo;
  const key = setupKey(root);
  const index = (cacheOff() ? undefined : prebuiltIndex(root, key, prebuiltFiles(root))) ?? await cachedOrBundled(root, key);
  const api = readFileSync(path.join(root, "runtime/program/api.ts"), "utf8");
  memo = { js: index.js, dts: `${api}${DTS_TAIL}` };
  return memo;
}

/**
 * Writes dist/vendor/ (`npm run build`): nothing when it is current. Temporary files and renames,
 * the bundle before its index; a reader that meets a half-updated pair sees a sha256 mismatch.
 */
export async function prebuildRuntime(root: string, files: PrebuiltFiles = prebuiltFiles(root)): Promise<"current" | "written"> {
  const key = setupKey(root);
  if (prebuiltIndex(root, key, files) !== undefined) return "current";
  const made = await cachedOrBundled(root, key);
  mkdirSync(path.dirname(files.js), { recursive: true });
  const index: PrebuiltIndex = { key, inputs: made.inputs, sha256: sha256Bytes(made.js) };
  for (const [file, text] of [[files.js, made.js], [files.index, `${JSON.stringify(index)}\n`]] as const) {
    writeFileSync(`${file}.${process.pid}.tmp`, text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  return "written";
}
