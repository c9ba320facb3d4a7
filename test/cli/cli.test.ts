import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type AddressInfo } from "node:net";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";

/** The built CLI, run as a real process (`bin/align.js` → `dist/cli/main.js`). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin/align.js");
const ok = path.join(root, "test/fixtures/check/ok/full-recipe.align");
const bad = path.join(root, "test/fixtures/check/err/AL3001-unknown-field.align");

function align(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa("node", [bin, ...args], { cwd: options.cwd ?? root, reject: false, env: { NO_COLOR: "1", ...options.env } });
}

beforeAll(async () => {
  // Build first (when a source is newer than dist/) so the test exercises the current sources.
  await ensureBuilt(root);
  expect(statSync(path.join(root, "dist/cli/main.js")).isFile()).toBe(true);
}, 120_000);

describe("align check", () => {
  it("exits 0 on a clean recipe", async () => {
    const r = await align(["check", ok]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("ok: 1 file checked");
  });

  it("exits 1 with rendered diagnostics on errors", async () => {
    const r = await align(["check", path.relative(root, bad)]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("error[AL3001]: unknown field `genrations` in optimizer `crpg`");
    expect(r.stdout).toContain("--> test/fixtures/check/err/AL3001-unknown-field.align:7:22");
    expect(r.stdout).toContain("= help: did you mean `generations`?");
    expect(r.stdout).toContain("2 errors; run `align explain AL3001` for more on a code");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("checks an instructions judge's rows with the judge's own compile", async () => {
    const r = await align(["check", "test/fixtures/check/err/AL4054-instruction-rows.align"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('error[AL4054]: judge `precise`: ../data/ifeval_unknown.jsonl:2: rules[0] (length_constraints:number_words): argument "relation" must be "less than" or "at least", got "at most"');
    expect(r.stdout).toContain("--> test/fixtures/check/err/AL4054-instruction-rows.align:7:47");
  });

  it("loads the command line, commander and the check as one bundled file, and none of the judges', the server's or the editor's packages", async () => {
    const trace = path.join(mkdtempSync(path.join(tmpdir(), "align-trace-")), "modules.txt");
    const r = await execa("node", ["--import", path.join(root, "test/support/traceModules.mjs"), bin, "check", "recipes/cgpo.align"], {
      cwd: root,
      reject: false,
      env: { NO_COLOR: "1", ALIGN_TRACE_MODULES: trace },
    });
    expect(r.exitCode).toBe(0);
    const loaded = [...new Set(readFileSync(trace, "utf8").trim().split("\n"))];
    // The bundle runs through cli/bundled.js (vm, with the build's code cache), so neither the
    // CLI's entry (dist/cli/main.js), commander, nor any compiler, grammar or runtime module of
    // dist/ is loaded on its own.
    expect(loaded.some((url) => url.endsWith("/dist/cli/bundled.js"))).toBe(true);
    expect(loaded.filter((url) => /\/dist\/|\/node_modules\//.test(url) && !url.endsWith("/dist/cli/bundled.js"))).toEqual([]);
    const heavy = /\/node_modules\/(zod|eld|franc|ajv|yaml|mathjs|ts-morph|esbuild|execa|vscode-[\w-]+)\//;
    expect(loaded.filter((url) => heavy.test(url))).toEqual([]);
  });

  it("prints versioned JSON with --format json", async () => {
    const r = await align(["check", "--format", "json", bad]);
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe(1);
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toContain("AL3001");
  });

  it("exits 2 with a clean message for a missing file or a bad option", async () => {
    const missing = await align(["check", "no/such/file.align"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe("align: no/such/file.align: no such file");
    const device = await align(["check", "/dev/zero"]);
    expect([device.exitCode, device.stderr]).toEqual([2, "align: /dev/zero: not a regular file"]);
    const option = await align(["check", "--bogus", ok]);
    expect(option.exitCode).toBe(2);
    const format = await align(["check", "--format", "xml", ok]);
    expect(format.exitCode).toBe(2);
  });
});

describe("align serve", () => {
  it("says in one message, without a stack trace, why the judge server cannot start", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      const r = await align(["serve", ok, "--port", String(port)]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("align serve: cannot start the judge server:");
      expect(r.stderr).toContain("EADDRINUSE");
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      busy.close();
    }
  });

  it("refuses a --sandbox-warm that is not an integer in 0..64, in one line", async () => {
    const r = await align(["serve", ok, "--port", "0", "--sandbox-warm", "65"]);
    expect([r.exitCode, r.stderr]).toEqual([2, "align serve: --sandbox-warm must be an integer in 0..64, got `65`"]);
  });
});

describe("align plan", () => {
  it("prints plan.json with --json, byte-identical across runs", async () => {
    const a = await align(["plan", "--json", ok]);
    const b = await align(["plan", "--json", ok]);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).version).toBe(1);
  });

  it("writes --out and shows values with provenance, the stage DAG and memory", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-plan-"));
    const out = path.join(dir, "plan.json");
    const written = await align(["plan", ok, "--out", out]);
    expect(written.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).recipe.name).toBe("full");
    const human = await align(["plan", ok]);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/weight\s+0\.5\s+full-recipe\.align:24:12/);
    expect(human.stdout).toContain("1. train = cgpo → model");
    expect(human.stdout).toContain("memory per GPU");
  });

  it("exits 1 and prints the diagnostics when the recipe has errors", async () => {
    const r = await align(["plan", bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("AL3001");
  });
});

describe("align explain and schema", () => {
  it("explains a code with its example", async () => {
    const r = await align(["explain", "AL3004"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("AL3004 (error): missing unit");
    expect(r.stdout).toContain("timeout = 10");
    expect((await align(["explain", "AL9999"])).exitCode).toBe(2);
  });

  it("prints the field reference", async () => {
    const all = await align(["schema"]);
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toContain("judge");
    const variant = await align(["schema", "judge.code_tests"]);
    expect(variant.stdout).toMatch(/timeout\s+duration\s+\[10s\]/);
    const wrong = await align(["schema", "judge.code_test"]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("did you mean `code_tests`?");
  });

  it("reaches nested blocks and variants", async () => {
    const task = await align(["schema", "task"]);
    expect(task.stdout).toContain("(its fields: add `.optimizer` to this schema path)");
    const optimizers = await align(["schema", "task.optimizer"]);
    expect(optimizers.exitCode).toBe(0);
    expect(optimizers.stdout).toMatch(/^task\.optimizer = codpo: /m);
    const crpg = await align(["schema", "task.optimizer.crpg"]);
    expect(crpg.stdout).toMatch(/kl_max\s+number\s+\[0\.1\]/);
    const lora = await align(["schema", "stage.sft.lora"]);
    expect(lora.stdout).toMatch(/rank\s+int ≥ 1\s+\[16\]/);
    const leaf = await align(["schema", "stage.sft.lr"]);
    expect(leaf.exitCode).toBe(2);
    expect(leaf.stderr).toContain("it is number ≥ 0, with no fields of its own");
  });

  it("has --help for every command", async () => {
    for (const command of ["check", "fmt", "plan", "explain", "schema"]) {
      const r = await align([command, "--help"]);
      expect(r.exitCode, command).toBe(0);
      expect(r.stdout).toContain(`Usage: align ${command}`);
    }
  });
});

describe("align fmt", () => {
  const hasFormatter = existsSync(path.join(root, "compiler/format/index.ts"));
  it.skipIf(!hasFormatter)("--check names unformatted files and exits 1; fmt rewrites them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-fmt-"));
    const file = path.join(dir, "x.align");
    writeFileSync(file, "model   policy {from=builtin()}\n");
    const check = await align(["fmt", "--check", file]);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(file);
    const fmt = await align(["fmt", file]);
    expect(fmt.exitCode).toBe(0);
    const again = await align(["fmt", "--check", file]);
    expect(again.exitCode).toBe(0);
  });
});
