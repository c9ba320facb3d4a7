import { describe, expect, it } from "vitest";
import { allCodes, codeInfo, duplicateCodes } from "../../compiler/diagnostics/codes.js";
import { compilerCodes } from "../../compiler/diagnostics/compilerCodes.js";
import { compileText } from "./helpers.js";

/** Examples that need more than one file cannot trigger their code on their own. */
const MULTI_FILE = new Set(["AL2005", "AL2006", "AL2007", "AL3012"]);

describe("diagnostic code registry", () => {
  it("has no duplicate codes and a complete entry for each", () => {
    expect(duplicateCodes()).toEqual([]);
    for (const c of allCodes) {
      expect(c.code).toMatch(/^AL[1-7]\d{3}$/);
      expect(c.title.length).toBeGreaterThan(3);
      expect(c.description.length).toBeGreaterThan(20);
      expect(["error", "warning", "info"]).toContain(c.severity);
    }
    expect(codeInfo("al3001")?.title).toBe("unknown field");
  });

  for (const c of compilerCodes.filter((c) => !MULTI_FILE.has(c.code))) {
    it(`${c.code}'s example triggers it`, () => {
      const codes = compileText(c.example).diagnostics.map((d) => d.code);
      expect(codes).toContain(c.code);
    });
  }
});
