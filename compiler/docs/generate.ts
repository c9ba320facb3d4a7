import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { planSchema } from "../plan/schema.js";
import { diagnosticsMarkdown } from "./diagnostics.js";
import { languageMarkdown } from "./language.js";

/**
 * Regenerates the documents derived from the registries. `npm run docs` writes them; the test
 * suite (test/compiler/docs.test.ts) fails when a committed copy is stale.
 */

export function planJsonSchema(): string {
  const schema = z.toJSONSchema(planSchema, { target: "draft-2020-12", io: "output" });
  const withId = { $id: "https://align.dev/plan.schema.json", title: "align plan.json, version 1", ...schema };
  return JSON.stringify(withId, null, 2) + "\n";
}

/** Relative path → generated content. */
export function generatedDocs(): Record<string, string> {
  return {
    "docs/language.md": languageMarkdown(),
    "docs/diagnostics.md": diagnosticsMarkdown(),
    "docs/plan.schema.json": planJsonSchema(),
  };
}

/** Writes (or with `check`, compares) the generated docs under `root`; returns an exit code. */
export function runDocs(root: string, options: { check: boolean }): number {
  const stale: string[] = [];
  for (const [file, content] of Object.entries(generatedDocs())) {
    const target = path.join(root, file);
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (current === content) continue;
    stale.push(file);
    if (!options.check) writeFileSync(target, content);
  }
  if (options.check && stale.length > 0) {
    process.stderr.write(`stale: ${stale.join(", ")} (run \`npm run docs\`)\n`);
    return 1;
  }
  if (!options.check) process.stdout.write(stale.length > 0 ? `wrote ${stale.join(", ")}\n` : "docs are up to date\n");
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  process.exitCode = runDocs(root, { check: process.argv.includes("--check") });
}
