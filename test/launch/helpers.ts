/** A bundle-shaped directory for the launch tests: plan.json, the program, the target's files. */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { compile, fileSystemHost } from "../../compiler/index.js";
import { TARGETS } from "../../compiler/emit/targets/index.js";
import type { Plan } from "../../compiler/plan/types.js";
import { REPO, targetContext } from "../emit/targetContext.js";

export const FIXTURE = path.join(REPO, "test/fixtures/launch/two-node.align");

/** torchrun needs torch 2: the worker venv (CI builds it with scripts/worker-venv.sh). */
export const WORKER_PYTHON = path.join(REPO, ".venv-worker/bin/python");

export interface TestBundle {
  readonly dir: string;
  readonly plan: Plan;
}

/** Compiles `recipe` (optionally editing its plan) into a fresh bundle-shaped directory. */
export function makeBundle(recipe: string, targets: readonly string[], edit?: (plan: Plan) => void): TestBundle {
  const result = compile(path.basename(recipe), { host: fileSystemHost(), cwd: path.dirname(recipe) });
  if (!result.plan || result.planJson === undefined) throw new Error(`${recipe} does not compile`);
  let planJson = result.planJson;
  const plan = JSON.parse(planJson) as Plan;
  if (edit) {
    edit(plan);
    planJson = `${JSON.stringify(plan, null, 2)}\n`;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "align-launch-"));
  writeFileSync(path.join(dir, "plan.json"), planJson);
  // The stand-in for the generated program (test/launch/program.ts), loaded through tsx.
  const tsx = pathToFileURL(path.join(REPO, "node_modules/tsx/dist/esm/api/index.mjs")).href;
  const program = pathToFileURL(path.join(REPO, "test/launch/program.ts")).href;
  writeFileSync(path.join(dir, "main.mjs"), `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(program)});\n`);
  for (const target of targets) {
    const ctx = { ...targetContext(plan, target, path.basename(recipe)), programCommand: ["node", "main.mjs"] };
    for (const file of TARGETS[target]!.emit(ctx)) {
      const out = path.join(dir, file.path);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, file.content);
      if (file.executable) chmodSync(out, 0o755);
    }
  }
  return { dir, plan };
}

/**
 * Parameters of two runs agree to this (the worker's own distributed tests use atol 2e-5); every
 * run of these tests uses one thread per rank (see `run`), so the float order is the same.
 */
export const PARAM_ATOL = 2e-5;

/** Largest absolute difference between the parameters of two saved builtin models. */
export function maxParamDiff(a: string, b: string): number {
  const script = [
    "import sys, torch",
    "a = torch.load(sys.argv[1], map_location='cpu'); b = torch.load(sys.argv[2], map_location='cpu')",
    "a = a.get('model', a); b = b.get('model', b)",
    "assert sorted(a) == sorted(b), (sorted(a), sorted(b))",
    "print(max(float((a[k].float() - b[k].float()).abs().max()) for k in a))",
  ].join("\n");
  return Number(execFileSync(WORKER_PYTHON, ["-c", script, a, b], { encoding: "utf8" }).trim());
}

export function modelFile(runDir: string, stage: string): string {
  const file = path.join(runDir, stage, "model", "model.pt");
  if (!existsSync(file)) throw new Error(`${file} missing: stage ${stage} did not finish`);
  return file;
}

/** A child process, awaited without blocking the test runner (sbatch --wait takes a minute). */
export function run(file: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // One thread per rank everywhere: Ray gives its actors OMP_NUM_THREADS=1, and another thread
    // count changes float summation order, which sampling in CRPG then turns into other tokens.
    const child = spawn(file, args, { cwd, env: { ...process.env, OMP_NUM_THREADS: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (e) => resolve({ status: 127, stdout, stderr: `${stderr}${e.message}` }));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
