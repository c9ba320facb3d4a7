// Bundles the `align check` command's compiled modules (dist/cli/commands/check.js, the ~150
// compiler, grammar and judge-table modules it imports, and chevrotain's single-file build)
// into one CommonJS file beside it, dist/cli/commands/check.bundle.cjs, which cli/main.ts
// requires when it is at least as new as check.js. Why: Node 20 reads, compiles and links each
// ES module on its own, which cost the check command more CPU than the check itself; one
// CommonJS file is read and compiled once, with no module graph to link.
// The other packages (commander, ajv) stay external and load as they do unbundled.
// Then it checks recipes/cgpo.align once with the bundle and writes V8's code cache of what
// that compiled to check.bundle.cache (cli/bundled.ts), so that `align check` starts with its
// functions compiled. Run by `npm run build` after tsc.
import { build } from "esbuild";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const commands = path.join(root, "dist", "cli", "commands");

/**
 * grammar/chevrotain.ts finds chevrotain's single-file build at run time with a top-level
 * await, which CommonJS cannot hold; in the bundle that same build is imported statically.
 */
const chevrotainStatic = {
  name: "chevrotain-static",
  setup(b) {
    const entry = createRequire(path.join(root, "package.json")).resolve("chevrotain");
    const singleFile = path.join(path.dirname(entry), "..", "chevrotain.mjs");
    b.onResolve({ filter: /\/chevrotain\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}grammar${path.sep}`) ? { path: "chevrotain", namespace: "align-static" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "align-static" }, () => ({
      contents: `export { createToken, CstParser, EOF, Lexer, generateCstDts } from ${JSON.stringify(singleFile)};`,
      resolveDir: root,
    }));
  },
};

// A cache left from an older bundle must not outlive it (V8 matches a cache to its source by length).
rmSync(path.join(commands, "check.bundle.cache"), { force: true });

await build({
  entryPoints: [path.join(commands, "check.js")],
  outfile: path.join(commands, "check.bundle.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["commander", "ajv", "ajv/*"],
  plugins: [chevrotainStatic],
  // createRequire(import.meta.url) (the lazy ajv) resolves from the bundle's own file.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
  legalComments: "none",
});

/** One check of a real recipe with the bundle, output discarded; then the cache of what it compiled. */
async function writeCodeCache() {
  const recipe = path.join(root, "recipes", "cgpo.align");
  if (!existsSync(recipe)) {
    process.stderr.write("bundle-check: recipes/cgpo.align is missing; no code cache (align check starts slower)\n");
    return;
  }
  const bundle = path.join(commands, "check.bundle.cjs");
  const { runBundle } = await import(pathToFileURL(path.join(root, "dist", "cli", "bundled.js")).href);
  const loaded = runBundle(bundle, undefined);
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    await loaded.exports.runCheck([recipe], { format: "text" });
  } finally {
    process.stdout.write = write;
  }
  writeFileSync(path.join(commands, "check.bundle.cache"), loaded.codeCache());
}

await writeCodeCache();
