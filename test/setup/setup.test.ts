/**
 * `align setup` (runtime/setup/workerVenv.ts): a real `python3 -m venv` and a real pip, kept off
 * the network (`--no-index`, requirements that need no download); and the message `align run`
 * gives when no Python has PyTorch.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choosePython } from "../../runtime/orchestrator/python.js";
import { setupWorkerVenv, SetupError, venvPython } from "../../runtime/setup/workerVenv.js";

const dir = mkdtempSync(path.join(tmpdir(), "align-setup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const venv = path.join(dir, "venv");
const empty = path.join(dir, "empty.txt");
const lines: string[] = [];

beforeAll(async () => {
  writeFileSync(empty, "# nothing to download\n");
  await setupWorkerVenv({ dir: venv, requirements: empty, pipArgs: ["--no-index"], log: (l) => lines.push(l), env: process.env });
}, 180_000);

describe("align setup", () => {
  it("creates the venv with python3 -m venv, then runs pip on the requirements, showing each step", () => {
    expect(existsSync(venvPython(venv))).toBe(true);
    expect(lines[0]).toBe(`align setup: creating ${venv} with python3 -m venv`);
    expect(lines).toContain("align setup: installing empty.txt with pip (PyTorch alone is a large download)");
  });

  it("completes an existing venv without recreating it, and fails loudly with pip's reason", async () => {
    const missing = path.join(dir, "missing.txt");
    writeFileSync(missing, "align-no-such-package==1.0\n");
    const log: string[] = [];
    const failure = setupWorkerVenv({ dir: venv, requirements: missing, pipArgs: ["--no-index"], log: (l) => log.push(l), env: process.env });
    await expect(failure).rejects.toThrow(SetupError);
    await expect(failure).rejects.toThrow(/^installing missing\.txt with pip .* failed \(exit 1\); the lines above say why$/);
    expect(log.some((l) => l.startsWith("align setup: creating"))).toBe(false);
    expect(log.join("\n")).toMatch(/align-no-such-package/);
  }, 120_000);

  it("names a Python that does not exist, and a requirements file that does not", async () => {
    const log = () => undefined;
    await expect(setupWorkerVenv({ dir: path.join(dir, "v2"), python: path.join(dir, "no-python"), requirements: empty, log, env: process.env }))
      .rejects.toThrow(`${path.join(dir, "no-python")}: no such program; install Python 3`);
    await expect(setupWorkerVenv({ dir: path.join(dir, "v3"), requirements: path.join(dir, "nope.txt"), log, env: process.env }))
      .rejects.toThrow("nope.txt: no such file");
  });

  it("is what align run suggests when no Python has PyTorch (a venv without torch counts as none)", async () => {
    const error = choosePython({ env: {}, candidates: [venvPython(venv), path.join(dir, "no-python")] });
    await expect(error).rejects.toThrow(/No module named torch; .*no-python: no such program\); run `npx align setup` to create \.venv-worker with pip/);
  });
});
