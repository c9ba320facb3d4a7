// `node --import ./test/support/traceModules.mjs ...` appends the URL of every module the
// process loads to the file named by ALIGN_TRACE_MODULES (one a line): the ES modules as the
// resolve hook sees them, and at exit the CommonJS modules in require's cache.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const trace = process.env.ALIGN_TRACE_MODULES;
if (trace) {
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => appendFileSync(trace, Object.keys(cache).map((file) => `${pathToFileURL(file).href}\n`).join("")));
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(trace, `${resolved.url}\n`);
  return resolved;
}
