// `node --import ./test/support/traceModules.mjs ...` appends the URL of every module the
// process loads to the file named by ALIGN_TRACE_MODULES (one a line): what a command imports.
import { appendFileSync } from "node:fs";
import { register } from "node:module";

if (process.env.ALIGN_TRACE_MODULES) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.ALIGN_TRACE_MODULES, `${resolved.url}\n`);
  return resolved;
}
