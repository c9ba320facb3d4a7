/**
 * `npm run build`'s last step: bundles the runtime once into dist/vendor/ so that `align build`
 * vendors it without running esbuild (cli/bundle/runtime.ts; a stale one is never used).
 */
import { packageRoot } from "./read.js";
import { prebuildRuntime } from "./runtime.js";

try {
  const done = await prebuildRuntime(packageRoot());
  if (done === "written") process.stdout.write("align: bundled the runtime into dist/vendor/ (align build vendors it from there)\n");
} catch (error) {
  process.stderr.write(`align: bundling the runtime into dist/vendor/ failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
