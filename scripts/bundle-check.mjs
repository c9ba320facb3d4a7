// Bundles the `align check` command's compiled modules (dist/cli/commands/check.js and the
// ~150 compiler, grammar and judge-table modules it imports) into one file beside it,
// dist/cli/commands/check.bundle.js, which cli/main.ts loads when it is at least as new as
// check.js. Why: Node 20 reads, compiles and links each ES module on its own, which cost the
// check command ~70 ms of CPU (more than the check itself); one file costs ~25 ms.
// Packages stay external (chevrotain, commander and ajv load as they do unbundled).
// Run by `npm run build` after tsc.
import { build } from "esbuild";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const commands = path.join(root, "dist", "cli", "commands");

await build({
  entryPoints: [path.join(commands, "check.js")],
  outfile: path.join(commands, "check.bundle.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
  legalComments: "none",
});
