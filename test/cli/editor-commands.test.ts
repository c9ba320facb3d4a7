/**
 * What editors and tools read from the command line: `align schema --json` and nested schema
 * paths, `align check --format json` with related locations, `align check --fix`.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin/align.js");

function align(args: string[], cwd = root) {
  return execa("node", [bin, ...args], { cwd, reject: false, env: { NO_COLOR: "1" } });
}

beforeAll(async () => {
  await ensureBuilt(root);
}, 120_000);

describe("align schema", () => {
  it("answers a nested path as JSON, and names what is wrong in a bad one", async () => {
    const crpg = JSON.parse((await align(["schema", "--json", "task.optimizer.crpg"])).stdout);
    expect(crpg).toMatchObject({ path: "task.optimizer.crpg", name: "crpg" });
    expect(crpg.fields.generations).toMatchObject({ typeText: "int ≥ 1", default: 4, required: false });
    const rank = JSON.parse((await align(["schema", "--json", "stage.sft.lora.rank"])).stdout);
    expect(rank).toMatchObject({ path: "stage.sft.lora.rank", typeText: "int ≥ 1", default: 16 });
    const wrong = await align(["schema", "--json", "task.optimizer.crpx"]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("unknown `optimizer` variant `crpx`; did you mean `crpg`?");
  });

  it("prints JSON for the whole schema and for one path", async () => {
    const all = JSON.parse((await align(["schema", "--json"])).stdout);
    expect(all.kinds.map((k: { name: string }) => k.name)).toContain("judge");
    const one = JSON.parse((await align(["schema", "--json", "judge.code_tests"])).stdout);
    expect(one.path).toBe("judge.code_tests");
    expect(one.fields.timeout).toMatchObject({ typeText: "duration", required: false, default: 10, defaultText: "10s" });
    expect(one.fields.on_error.type).toEqual({ kind: "enum", members: ["violated", "satisfied", "skip_sample"] });
  });
});

describe("align check", () => {
  it("includes related locations in JSON", async () => {
    const r = await align(["check", "--format", "json", "test/fixtures/check/err/AL2004-duplicate-name.align"]);
    const doc = JSON.parse(r.stdout);
    const duplicate = doc.diagnostics.find((d: { code: string }) => d.code === "AL2004");
    expect(duplicate.related).toEqual([
      expect.objectContaining({ file: "test/fixtures/check/err/AL2004-duplicate-name.align", line: 1, column: 7, endLine: 1, endColumn: 11, message: expect.stringContaining("first declared here") }),
    ]);
  });

  it("--fix applies the safe fix-its in place and leaves guesses alone", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-fix-"));
    copyFileSync(path.join(root, "recipes/tiny.align"), path.join(dir, "tiny.align"));
    const original = readFileSync(path.join(dir, "tiny.align"), "utf8");
    const broken = original
      .replace("  epochs = 20\n", "  epohcs = 20\n") // a misspelt field: one candidate
      .replace("  reward = correctness\n", "  reward = corectness\n") // a misspelt reference
      .replace("  batch_size = 16\n}", '  batch_size = "16"\n}') // a quoted number
      .replace("  schedule = cosine\n", '  schedule = "cosine"\n'); // a quoted enum member
    for (const data of ["arith.jsonl", "arith_test.jsonl", "arith_sft.jsonl"]) {
      copyFileSync(path.join(root, "recipes/data", data), path.join(dir, data));
    }
    writeFileSync(path.join(dir, "tiny.align"), broken.replaceAll('"data/', '"'));
    const r = await align(["check", "--fix", "tiny.align"], dir);
    expect(r.stderr).toContain("tiny.align: applied 4 fixes");
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(dir, "tiny.align"), "utf8")).toBe(original.replaceAll('"data/', '"'));
  });

  it("--fix does not apply a guess (the most likely unit)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-fix-"));
    const file = path.join(dir, "j.align");
    writeFileSync(file, "judge t = code_tests { timeout = 10 }\n");
    const r = await align(["check", "--fix", "j.align"], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("AL3004");
    expect(readFileSync(file, "utf8")).toBe("judge t = code_tests { timeout = 10 }\n");
  });
});
