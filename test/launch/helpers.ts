/** The launch tests' bundles: the fixture built by align build, runs compared by their parameters. */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { makeBundle } from "../../cli/bundle/build.js";
import { writeBundle } from "../../cli/bundle/write.js";
import { compileForRuntime } from "../../cli/commands/compiled.js";
import { REPO } from "../emit/targetContext.js";

export const FIXTURE = path.join(REPO, "test/fixtures/launch/two-node.align");

/** torchrun needs torch 2: the worker venv (CI builds it with scripts/worker-venv.sh). */
export const WORKER_PYTHON = path.join(REPO, ".venv-worker/bin/python");

export interface TestBundle {
  /** The temp directory holding the recipe copy and `bundle/`. */
  readonly root: string;
  /** The bundle `align build` wrote. */
  readonly dir: string;
}

/**
 * The fixture (with text replacements) copied to a fresh directory and built into `bundle/` there
 * the way `align build` does, with its launch targets and `local`.
 */
export async function buildFixture(replacements: readonly (readonly [string, string])[] = []): Promise<TestBundle> {
  const root = mkdtempSync(path.join(tmpdir(), "align-launch-"));
  cpSync(path.join(path.dirname(FIXTURE), "data"), path.join(root, "data"), { recursive: true });
  let text = readFileSync(FIXTURE, "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${FIXTURE} has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const recipe = path.join(root, path.basename(FIXTURE));
  writeFileSync(recipe, text);
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") throw new Error(`${recipe} does not compile`);
  const dir = path.join(root, "bundle");
  writeBundle(dir, await makeBundle({ compiled, recipe, outDir: dir }), compiled.rootDir);
  return { root, dir };
}

/** The fixture's 2 nodes x 1 rank as 1 node x 2 ranks: the local run every target is compared to. */
export const ONE_NODE_TWO_RANKS = [["nodes = 2", "nodes = 1\n  cpu_ranks = 2"]] as const;

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

/**
 * One thread per rank in every run the tests compare: Ray gives its actors OMP_NUM_THREADS=1, and
 * another thread count changes float summation order, which CRPG's sampling turns into other tokens.
 */
export const ONE_THREAD = { OMP_NUM_THREADS: "1" } as const;

/** A child process, awaited without blocking the test runner (sbatch --wait takes a minute). */
export function run(file: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, ...ONE_THREAD, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (e) => resolve({ status: 127, stdout, stderr: `${stderr}${e.message}` }));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Pids of this machine's processes (not this one) whose arguments pass `match`. */
export function pidsWhere(match: (args: readonly string[]) => boolean): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    try {
      return match(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
    } catch {
      return false; // gone meanwhile
    }
  });
}
