#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("align: the compiled CLI is missing (dist/cli/main.js); run `npm ci` or `npm run build` first.\n");
  process.exit(2);
}
const { startCli } = await import(new URL("../dist/cli/bundled.js", import.meta.url).href);
await startCli(process.argv);
