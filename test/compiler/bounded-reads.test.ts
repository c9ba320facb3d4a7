/**
 * `import` and `file(...)` read only regular files, and only up to MAX_SOURCE_BYTES: a device
 * (`/dev/zero`), a directory or a huge file is refused with one error naming why, at once.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { MAX_SOURCE_BYTES } from "../../compiler/resolve/host.js";

const dir = mkdtempSync(path.join(tmpdir(), "align-bounded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(text: string) {
  const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.align`);
  writeFileSync(file, text);
  return compile(file).diagnostics.map((d) => `${d.code} ${d.message}`);
}

const JUDGE = (template: string) =>
  `model m { from = endpoint("http://x/v1", model = "m") }\njudge j = llm_judge { model = m  template = file(${JSON.stringify(template)}) }\n`;

describe("bounded reads", () => {
  it("refuses to import a device", () => {
    expect(check('import "/dev/zero"\n')).toEqual(["AL2005 cannot read imported file `/dev/zero`: not a regular file (a device, pipe or socket)"]);
  });

  it("refuses a device, a directory and an oversized file as a template", () => {
    expect(check(JUDGE("/dev/zero"))).toEqual(["AL3010 cannot read template file `/dev/zero`: not a regular file (a device, pipe or socket)"]);
    expect(check(JUDGE(dir))).toEqual([`AL3010 cannot read template file \`${dir}\`: a directory, not a file`]);
    const huge = path.join(dir, "huge.txt");
    writeFileSync(huge, "");
    truncateSync(huge, MAX_SOURCE_BYTES + 1);  // sparse: nothing is written
    expect(check(JUDGE(huge))).toEqual([`AL3010 cannot read template file \`${huge}\`: ${MAX_SOURCE_BYTES + 1} bytes, over the 8 MiB limit for recipes and templates`]);
  });

  it("still reads an ordinary template, and says nothing extra for a missing one", () => {
    writeFileSync(path.join(dir, "t.txt"), "Judge {response}");
    expect(check(JUDGE("t.txt"))).toEqual([]);
    expect(check(JUDGE("absent.txt"))).toEqual(["AL3010 cannot read template file `absent.txt`"]);
  });
});
