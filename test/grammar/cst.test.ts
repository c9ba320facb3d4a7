/**
 * grammar/cst.ts is generated from the grammar; this test fails when it is stale.
 *   ALIGN_ACCEPT=1 npx vitest run test/grammar/cst.test.ts   rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cstTypesSource } from "../../grammar/cstTypes.js";
import { createLexer } from "../../grammar/lexer.js";
import { AlignParser } from "../../grammar/parser.js";

describe("grammar self-checks", () => {
  it("the parser passes chevrotain's grammar validations (no ambiguity, no left recursion)", () => {
    expect(() => new AlignParser({ validate: true })).not.toThrow();
  });

  it("the lexer passes its validations and keeps its first-character optimizations", () => {
    expect(() => createLexer({ validate: true })).not.toThrow();
  });

  it("grammar/cst.ts matches the grammar", () => {
    const path = join(import.meta.dirname, "../../grammar/cst.ts");
    const generated = cstTypesSource();
    if (process.env["ALIGN_ACCEPT"] === "1") writeFileSync(path, generated);
    expect(readFileSync(path, "utf8")).toBe(generated);
  });
});
