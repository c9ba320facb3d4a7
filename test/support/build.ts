/**
 * Builds dist/ for the suites that run the real CLI process, unless every compiled source is
 * already older than its output: tsc takes about 20 s on two cores, most of an e2e suite's time.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { execa } from "execa";

const SOURCES = ["grammar", "compiler", "runtime", "cli", "lsp", "bench"];

function staleSource(root: string, dir: string): boolean {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (rel !== path.join("runtime", "worker") && staleSource(root, rel)) return true;
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts")) {
      const out = path.join(root, "dist", rel.replace(/\.ts$/, ".js"));
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(path.join(root, rel)).mtimeMs) return true;
    }
  }
  return false;
}

/** `npm run build` bundles the check command after tsc; a tsc-only build leaves it missing or older. */
function staleCheckBundle(root: string): boolean {
  const bundle = path.join(root, "dist/cli/commands/check.bundle.cjs");
  return !existsSync(bundle) || statSync(bundle).mtimeMs < statSync(path.join(root, "dist/cli/commands/check.js")).mtimeMs;
}

export async function ensureBuilt(root: string): Promise<void> {
  if (!SOURCES.some((dir) => staleSource(root, dir)) && !staleCheckBundle(root)) return;
  await execa("npm", ["run", "--silent", "build"], { cwd: root, reject: false });
}
