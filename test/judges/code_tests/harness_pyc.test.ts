import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HARNESS_FILE, HARNESS_SOURCE } from "../../../runtime/judges/code_tests/harness.js";
import { HARNESS_PYC_FILE, harnessFor } from "../../../runtime/judges/code_tests/harness_pyc.js";
import { jobStdin } from "../../../runtime/judges/code_tests/judge.js";

const PYTHON = "/usr/bin/python3";
const dir = mkdtempSync(join(tmpdir(), "align-harness-pyc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("harnessFor", () => {
  it("gives the harness as bytecode of this interpreter's version, compiled once", async () => {
    const magic = execFileSync(PYTHON, ["-c", "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"], { encoding: "utf8" });
    const program = await harnessFor(PYTHON);
    expect(program.file).toBe(HARNESS_PYC_FILE);
    expect(Buffer.from(program.data).subarray(0, 4).toString("hex")).toBe(magic);
    expect(await harnessFor(PYTHON)).toBe(program);
  });

  it("the bytecode is the harness: run as a script with a job on stdin, it reports a pass with the nonce", async () => {
    const program = await harnessFor(PYTHON);
    const work = mkdtempSync(join(dir, "run-"));
    writeFileSync(join(work, program.file), program.data);
    const spec = { kind: "asserts", source: "assert add(1, 2) == 3" } as const;
    const input = jobStdin("def add(a, b):\n    return a + b\n", spec, "f00d");
    const run = spawnSync(PYTHON, ["-B", "-s", program.file, "0"], { cwd: work, input, stdio: ["pipe", "pipe", "pipe", "pipe"], encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(JSON.parse(String(run.output[3]))).toMatchObject({ outcome: "passed", nonce: "f00d" });
  });

  it("falls back to the source for an interpreter that is missing or cannot compile it", async () => {
    expect(await harnessFor(join(dir, "no-such-python"))).toEqual({ file: HARNESS_FILE, data: HARNESS_SOURCE });
    const broken = join(dir, "broken-python");
    writeFileSync(broken, "#!/bin/sh\nexit 1\n");
    chmodSync(broken, 0o755);
    expect(await harnessFor(broken)).toEqual({ file: HARNESS_FILE, data: HARNESS_SOURCE });
  });
});
