/**
 * The vendored runtime: runtime/program/index.ts and everything it imports (judges, judge server,
 * sandbox, orchestrator, npm dependencies such as ajv, franc, mathjs, execa) bundled by esbuild
 * into one ES module that runs with node alone (no node_modules, no network). Its declarations
 * are runtime/program/api.ts plus the two entry points.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";

export interface VendoredRuntime {
  readonly js: string;
  readonly dts: string;
}

/** Lazy `require`s (mathjs, a JSON schema) go through createRequire, which bundlers do not follow. */
const LAZY_REQUIRE = /const require = createRequire\(import\.meta\.url\);/g;

const lazyRequirePlugin: esbuild.Plugin = {
  name: "align-lazy-require",
  setup(build) {
    build.onLoad({ filter: /[\\/]runtime[\\/].*\.ts$/ }, (args) => {
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

let cached: VendoredRuntime | undefined;

/** Bundles the runtime (once per process); `root` is the repository (or installed package) root. */
export async function vendoredRuntime(root: string): Promise<VendoredRuntime> {
  if (cached !== undefined) return cached;
  const result = await esbuild.build({
    entryPoints: ["runtime/program/index.ts"],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    // A custom judge written in TypeScript needs tsx, which a bundle does not carry (docs/bundle.md).
    external: ["tsx", "tsx/*"],
    banner: { js: BANNER },
    legalComments: "eof",
    logLevel: "silent",
    plugins: [lazyRequirePlugin],
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error("esbuild produced no output for runtime/program/index.ts");
  const api = readFileSync(path.join(root, "runtime/program/api.ts"), "utf8");
  cached = { js, dts: `${api}${DTS_TAIL}` };
  return cached;
}
