import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { judgeInputChecks } from "../../runtime/judges/inputChecks.js";

/**
 * Baseline tests: every test/fixtures/check/{ok,err}/<case>.align is checked and its
 * diagnostics, one `CODE line:col message` per line, are compared with <case>.expected.txt.
 * `ALIGN_ACCEPT=1 npx vitest run test/compiler/fixtures.test.ts` rewrites the baselines
 * (review the diff). Files under ok/ must have no errors.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/check");
const accept = process.env.ALIGN_ACCEPT === "1";

function cases(dir: string): string[] {
  const full = path.join(root, dir);
  return existsSync(full) ? readdirSync(full).filter((f) => f.endsWith(".align")).sort() : [];
}

/** Diagnostics as baseline text; a location in another file (an import) is prefixed with it. */
function baseline(file: string): { text: string; hasErrors: boolean } {
  const result = compile(path.basename(file), { cwd: path.dirname(file), judgeInputChecks });
  const text = result.diagnostics
    .map((d) => {
      const where = d.span ? `${d.span.file === path.basename(file) ? "" : `${d.span.file}:`}${d.span.line}:${d.span.column}` : "-";
      return `${d.code} ${where} ${d.message}`;
    })
    .join("\n");
  return { text, hasErrors: result.hasErrors };
}

for (const dir of ["ok", "err"]) {
  describe(`fixtures/check/${dir}`, () => {
    for (const name of cases(dir)) {
      it(name, () => {
        const file = path.join(root, dir, name);
        const expectedFile = file.replace(/\.align$/, ".expected.txt");
        const actual = baseline(file);
        if (accept) writeFileSync(expectedFile, actual.text === "" ? "" : actual.text + "\n");
        const shown = path.relative(process.cwd(), expectedFile);
        expect(existsSync(expectedFile), `${shown} is missing (ALIGN_ACCEPT=1 writes it)`).toBe(true);
        const expected = readFileSync(expectedFile, "utf8").trimEnd();
        expect(actual.text, `${shown} (ALIGN_ACCEPT=1 rewrites it)`).toBe(expected);
        if (dir === "ok") expect(actual.hasErrors, "fixtures under ok/ must have no errors").toBe(false);
        if (dir === "err") expect(actual.text, "fixtures under err/ must report something").not.toBe("");
      });
    }
  });
}
