import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, syntaxCodes } from "../../grammar/index.js";

describe("syntax codes", () => {
  it("are unique, in the AL1xxx band, in order, and fully described", () => {
    const codes = syntaxCodes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const c of syntaxCodes) {
      expect(c.code).toMatch(/^AL1\d{3}$/);
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.description.length).toBeGreaterThan(40);
    }
  });

  it.each(syntaxCodes.map((c) => [c.code, c] as const))("%s: its example triggers it first", (code, info) => {
    const { diagnostics } = parse(info.example, "example.align");
    expect(diagnostics[0]?.code).toBe(code);
  });

  it("every code the grammar reports is registered, and every fixture error uses one", () => {
    const known = new Set(syntaxCodes.map((c) => c.code));
    const dir = join(import.meta.dirname, "../fixtures/syntax/err");
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".expected.txt"))) {
      for (const line of readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean)) used.add(line.split(" ")[0]!);
    }
    for (const code of used) expect(known.has(code), code).toBe(true);
    // Every registered code except nesting depth appears in a fixture.
    expect([...known].filter((c) => !used.has(c))).toEqual(["AL1007"]);
  });
});
