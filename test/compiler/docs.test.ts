import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generatedDocs } from "../../compiler/docs/generate.js";
import { COMPILER_VERSION } from "../../compiler/version.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("generated docs", () => {
  for (const [file, content] of Object.entries(generatedDocs())) {
    it(`${file} is up to date`, () => {
      const committed = readFileSync(path.join(root, file), "utf8");
      expect(committed === content, `${file} is stale: run \`npm run docs\``).toBe(true);
    });
  }

  it("the compiler version matches package.json", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    expect(COMPILER_VERSION).toBe(pkg.version);
  });
});
