/**
 * Syntax fixtures: every `test/fixtures/syntax/ok/*.align` parses without diagnostics, and every
 * `test/fixtures/syntax/err/<case>.align` produces exactly the diagnostics listed in
 * `<case>.expected.txt`, one `CODE line:col message` per line, in order.
 *
 * After an intended change of messages, rewrite the expected files and review the diff:
 *   ALIGN_ACCEPT=1 npx vitest run test/grammar/fixtures.test.ts
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";

const root = join(import.meta.dirname, "../fixtures/syntax");
const accept = process.env["ALIGN_ACCEPT"] === "1";

function alignFiles(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".align"))
    .sort();
}

describe("ok fixtures", () => {
  it.each(alignFiles("ok"))("%s parses cleanly", (name) => {
    const text = readFileSync(join(root, "ok", name), "utf8");
    const { document, diagnostics } = parse(text, name);
    expect(diagnostics).toEqual([]);
    expect(document.items.length).toBeGreaterThan(0);
    expect(document.items.every((i) => i.kind === "Import" || !i.recovered)).toBe(true);
  });
});

describe("error fixtures", () => {
  it.each(alignFiles("err"))("%s reports its expected diagnostics", (name) => {
    const text = readFileSync(join(root, "err", name), "utf8");
    const { diagnostics } = parse(text, name);
    const actual = diagnostics.map((d) => `${d.code} ${d.span!.line}:${d.span!.column} ${d.message}`).join("\n") + "\n";
    const expectedPath = join(root, "err", name.replace(/\.align$/, ".expected.txt"));
    if (accept) writeFileSync(expectedPath, actual);
    expect(existsSync(expectedPath), `missing ${expectedPath} (run with ALIGN_ACCEPT=1)`).toBe(true);
    expect(actual).toBe(readFileSync(expectedPath, "utf8"));
    expect(diagnostics.length).toBeGreaterThan(0);
  });
});
