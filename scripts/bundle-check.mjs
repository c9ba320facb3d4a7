// Bundles the command line's compiled entry (dist/cli/main.js) with commander, the check
// command (dist/cli/commands/check.js), the ~150 compiler, grammar and judge-table modules it
// imports and chevrotain's single-file build into one CommonJS file beside it,
// dist/cli/align.bundle.cjs, which bin/align.js runs (cli/bundled.ts) when it is at least as
// new as main.js and check.js. Why: Node 20 reads, compiles and links each ES module on its
// own, which cost `align check` more CPU than the check itself; one CommonJS file is read and
// compiled once, with no module graph to link. The other commands stay ES modules, imported
// when they run; ajv stays external (the check requires it only for a JSON schema).
// Then it checks recipes/cgpo.align once through the bundle and writes V8's code cache of what
// that compiled to align.bundle.cache, so that `align check` starts with its functions
// compiled. Run by `npm run build` after tsc.
import { build } from "esbuild";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli");

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

/**
 * Every command but check stays a separate ES module, imported when it runs. Code run through
 * node:vm cannot `import()` on Node 20 (not without --experimental-vm-modules), so these calls
 * become calls of the import function cli/bundled.ts hands the bundle, which imports relative
 * to the bundle's directory (dist/cli/, where main.js is).
 */
const deferred = new Set();
const otherCommandsExternal = {
  name: "other-commands-external",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== "dynamic-import" || args.importer !== path.join(cli, "main.js") || args.path === "./commands/check.js") return undefined;
      deferred.add(args.path);
      return { path: args.path, external: true };
    });
  },
};

function importThroughHost(code) {
  let out = code;
  for (const specifier of deferred) {
    const call = `import(${JSON.stringify(specifier)})`;
    if (!out.includes(call)) throw new Error(`bundle-check: esbuild did not keep ${call}`);
    out = out.split(call).join(`__alignImport(${JSON.stringify(specifier)})`);
  }
  if (/\bimport\(/.test(out)) throw new Error("bundle-check: the bundle has an import() that node:vm cannot run");
  return out;
}

// Bundles and caches of an older build must not outlive it (V8 matches a cache to its source by length).
for (const stale of ["align.bundle.cache", "commands/check.bundle.cjs", "commands/check.bundle.cache"]) rmSync(path.join(cli, stale), { force: true });

const built = await build({
  entryPoints: [path.join(cli, "main.js")],
  outfile: path.join(cli, "align.bundle.cjs"),
  write: false,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["ajv", "ajv/*"],
  plugins: [chevrotainStatic, otherCommandsExternal],
  // createRequire(import.meta.url) (the lazy ajv) resolves from the bundle's own file.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
  legalComments: "none",
});
writeFileSync(path.join(cli, "align.bundle.cjs"), importThroughHost(built.outputFiles[0].text));

/** One check of a real recipe through the bundle, output discarded; then the cache of what it compiled. */
async function writeCodeCache() {
  const recipe = path.join(root, "recipes", "cgpo.align");
  if (!existsSync(recipe)) {
    process.stderr.write("bundle-check: recipes/cgpo.align is missing; no code cache (align check starts slower)\n");
    return;
  }
  const bundle = path.join(cli, "align.bundle.cjs");
  const { runBundle } = await import(pathToFileURL(path.join(cli, "bundled.js")).href);
  const loaded = runBundle(bundle, undefined);
  const write = process.stdout.write;
  const exitCode = process.exitCode;
  process.stdout.write = () => true;
  try {
    await loaded.exports.main([process.execPath, "align", "check", recipe]);
  } finally {
    process.stdout.write = write;
    process.exitCode = exitCode;
  }
  writeFileSync(path.join(cli, "align.bundle.cache"), loaded.codeCache());
}

await writeCodeCache();
