/**
 * `align setup` (runtime/setup/workerVenv.ts): a real `python3 -m venv` and a real pip, kept off
 * the network (`--no-index`, requirements that need no download); and the message `align run`
 * gives when no Python has PyTorch.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { choosePython, PythonNotFound } from "../../runtime/orchestrator/python.js";
import { pythonOrSetup } from "../../runtime/setup/ensure.js";
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

describe("align run --setup", () => {
  /** A wheel whose only content is an empty `torch` package: pip installs it offline, and find_spec('torch') then succeeds. */
  function stubTorchWheel(): string {
    const wheel = path.join(dir, "torch-0.0.0-py3-none-any.whl");
    execFileSync("python3", ["-c", [
      "import sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1], 'w')",
      "z.writestr('torch/__init__.py', '')",
      "z.writestr('torch-0.0.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: torch\\nVersion: 0.0.0\\n')",
      "z.writestr('torch-0.0.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\nGenerator: align-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')",
      "z.writestr('torch-0.0.0.dist-info/RECORD', 'torch/__init__.py,,\\ntorch-0.0.0.dist-info/METADATA,,\\ntorch-0.0.0.dist-info/WHEEL,,\\ntorch-0.0.0.dist-info/RECORD,,\\n')",
      "z.close()",
    ].join("\n"), wheel]);
    return wheel;
  }

  it("creates the venv when no Python has PyTorch, and hands its Python to the worker", async () => {
    const requirements = path.join(dir, "stub-requirements.txt");
    writeFileSync(requirements, `${stubTorchWheel()}\n`);
    const target = path.join(dir, "run-venv");
    const log: string[] = [];
    const python = await pythonOrSetup({ env: {}, candidates: [path.join(dir, "no-python")] }, { dir: target, requirements, pipArgs: ["--no-index"], log: (l) => log.push(l), env: process.env });
    expect(python).toBe(venvPython(target));
    expect(log[0]).toBe(`align run: no Python with PyTorch found; setting up ${target} (align setup)`);
    expect(log).toContain(`align setup: creating ${target} with python3 -m venv`);
    // Found now without setting anything up again.
    const again: string[] = [];
    expect(await pythonOrSetup({ env: {}, candidates: [python] }, { dir: target, requirements, log: (l) => again.push(l), env: process.env })).toBe(python);
    expect(again).toEqual([]);
  }, 180_000);

  it("says so when the venv still has no PyTorch, and never replaces a Python named explicitly", async () => {
    const setup = { dir: path.join(dir, "no-torch"), requirements: empty, pipArgs: ["--no-index"], log: () => undefined, env: process.env };
    await expect(pythonOrSetup({ env: {}, candidates: [path.join(dir, "no-python")] }, setup)).rejects.toThrow(/no-torch\/bin\/python \(from --python\) cannot run the worker: cannot import torch/);
    const named = { ...setup, dir: path.join(dir, "never") };
    await expect(pythonOrSetup({ python: path.join(dir, "no-python"), env: {} }, named)).rejects.toThrow(PythonNotFound);
    await expect(pythonOrSetup({ env: { ALIGN_PYTHON: path.join(dir, "no-python") } }, named)).rejects.toThrow(/from \$ALIGN_PYTHON/);
    expect(existsSync(named.dir)).toBe(false);
  }, 180_000);
});
