/**
 * Fuzzing: 10,000 mutations of the bundled recipes (tokens deleted, duplicated, swapped,
 * random bytes inserted, text cut short). The parser must never throw, must finish each input
 * well under a second, and must always return a Document with well-formed diagnostics. When a
 * mutant happens to be valid, the formatter must keep its meaning.
 * Seeded, so a failure names a case that reproduces.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format/index.js";
import { parse } from "../../grammar/index.js";
import { mutate, rng } from "../support/mutate.js";
import { stripSpans } from "./helpers.js";

const CASES = 10_000;
const fixtures = ["cgpo.align", "mistakes.align", "forms.align"].map((f) =>
  readFileSync(join(import.meta.dirname, "../fixtures/syntax/ok", f), "utf8"),
);

describe("fuzz", () => {
  it(`parses ${CASES} mutated recipes without throwing`, () => {
    let slowest = 0;
    let valid = 0;
    for (let n = 0; n < CASES; n++) {
      const random = rng(n);
      const text = mutate(fixtures[n % fixtures.length]!, random);
      const start = performance.now();
      const result = parse(text, "fuzz.align");
      slowest = Math.max(slowest, performance.now() - start);
      expect(result.document.kind, `case ${n}`).toBe("Document");
      for (const d of result.diagnostics) {
        expect(d.code, `case ${n}`).toMatch(/^AL1\d{3}$/);
        expect(d.span!.offset + d.span!.length, `case ${n}`).toBeLessThanOrEqual(text.length);
        expect(d.span!.line, `case ${n}`).toBeGreaterThanOrEqual(1);
      }
      expect(result.diagnostics.length).toBeLessThanOrEqual(100);
      if (result.diagnostics.length === 0) {
        valid++;
        const formatted = formatSource(text, "fuzz.align").text!;
        expect(stripSpans(parse(formatted, "fuzz.align").document), `case ${n}`).toEqual(stripSpans(result.document));
      }
    }
    expect(slowest).toBeLessThan(1000);
    expect(valid).toBeGreaterThan(100);
  });

  it("survives random bytes", () => {
    const random = rng(42);
    for (let n = 0; n < 200; n++) {
      const length = Math.floor(random() * 2000);
      const text = Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x10000))).join("");
      expect(parse(text, "bytes.align").document.kind).toBe("Document");
      expect(formatSource(text, "bytes.align")).toBeDefined();
    }
  });
});
