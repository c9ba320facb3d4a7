/**
 * `align run` end to end: the real CLI process, the real TypeScript judge server (in-process in
 * the CLI) and the real Python worker run recipes/tiny.align's stages (sft warmup → cgpo
 * rl → eval), shrunk for speed: 4 RL steps, 1 SFT epoch, checkpoints every 2 steps.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { ensureBuilt } from "../support/build.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin/align.js");
const tiny = path.join(root, "recipes/tiny.align");

/** The worker needs a Python with torch; without one only the no-Python tests run. */
function torchPython(): string | undefined {
  for (const py of [process.env["ALIGN_PYTHON"], "/usr/bin/python3", "python3"]) {
    if (py === undefined || py === "") continue;
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
const python = torchPython();

/** recipes/tiny.align's stages in the plan's order: SFT, RL, then greedy evals before and after RL. */
const STAGES = ["warmup", "rl", "before", "before_held_out", "evaluate", "held_out"];

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of tiny.align, made smaller, with the data it reads, in a fresh directory. */
function smallTiny(): { dir: string; recipe: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "align-e2e-"));
  tempDirs.push(dir);
  cpSync(path.join(root, "recipes/data"), path.join(dir, "data"), { recursive: true });
  let text = readFileSync(tiny, "utf8");
  for (const [from, to] of [["steps = 120", "steps = 4"], ["epochs = 20", "epochs = 1"], ["checkpoint_every = 40", "checkpoint_every = 2"]] as const) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const recipe = path.join(dir, "tiny.align");
  writeFileSync(recipe, text);
  return { dir, recipe };
}

function align(args: string[], env: Record<string, string> = {}) {
  return execa("node", [bin, ...args], { cwd: root, reject: false, env: { NO_COLOR: "1", OMP_NUM_THREADS: "1", ...env } });
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
const readJsonl = (file: string) => readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  await ensureBuilt(root);
  expect(statSync(path.join(root, "dist/cli/main.js")).isFile()).toBe(true);
}, 120_000);

it("recipes/tiny.align compiles to the three stages the test runs", () => {
  const result = compile(tiny);
  expect(result.hasErrors).toBe(false);
  expect(result.plan?.stage_order).toEqual(STAGES);
});

describe.runIf(python !== undefined)("align run on tiny.align (real judge server and worker)", () => {
  const { dir, recipe } = smallTiny();
  const runDir = path.join(dir, "runs", "tiny");
  const env = { ALIGN_PYTHON: python ?? "" };

  it("runs sft → cgpo → eval and writes each stage's outputs", async () => {
    const r = await align(["run", recipe], env);
    expect(r.stderr).toContain("[rl] step 4/4");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^align run: done \\(${STAGES.map((s) => `${s} done [\\d.]+s`).join(", ")}\\); outputs in `));
    expect(readFileSync(path.join(runDir, "plan.json"), "utf8")).toBe(compile(recipe).planJson);
    for (const stage of STAGES) {
      expect(readJson(path.join(runDir, stage, "result.json"))["status"]).toBe("done");
    }
    const metrics = readJsonl(path.join(runDir, "rl", "metrics.jsonl"));
    const task = metrics.filter((m) => m["task"] === "arithmetic");
    expect(task.map((m) => m["step"])).toEqual([1, 2, 3, 4]);
    for (const m of task) {
      expect(Object.keys(m["feasible_rate_by_judge"] as object)).toEqual(["bare_number"]);
      for (const key of ["reward_raw_mean", "reward_calibrated_mean", "feasible_rate", "loss", "samples"]) expect(typeof m[key]).toBe("number");
      expect(m["samples"]).toBe(128);   // batch_size 16 prompts × 8 generations
    }
    const totals = metrics.filter((m) => m["task"] === null);
    expect(totals).toHaveLength(4);
    for (const m of totals) expect(typeof m["reward"] === "number" && typeof m["feasible"] === "number").toBe(true);
    const report = readJson(path.join(runDir, "evaluate", "report.json")) as { tasks: Record<string, Record<string, unknown>> };
    const rates = report.tasks["arithmetic"];
    expect(typeof rates?.["feasible_rate"]).toBe("number");
    expect(Object.keys(rates?.["pass_rate_by_judge"] as object).sort()).toEqual(["bare_number", "correct"]);
    expect(r.stderr).toMatch(/\[evaluate\] arithmetic: feasible [\d.]+, pass rate bare_number [\d.]+, correct [\d.]+/);
   }, 180_000);   // six stages, plus building the bundle (esbuild, ts-morph) when align build's cache is cold

  it("skips finished stages on a second run", async () => {
    const before = statSync(path.join(runDir, "rl", "result.json")).mtimeMs;
    const r = await align(["run", recipe], env);
    expect(r.exitCode).toBe(0);
    for (const stage of STAGES) expect(r.stderr).toContain(`align run: ${stage}: skipped (already finished`);
    expect(r.stdout).toContain(`(${STAGES.map((s) => `${s} skipped`).join(", ")})`);
    expect(statSync(path.join(runDir, "rl", "result.json")).mtimeMs).toBe(before);
  });

  it("resumes an unfinished stage from its checkpoint, then re-runs what read its old outputs", async () => {
    unlinkSync(path.join(runDir, "rl", "result.json"));   // as if killed after the last checkpoint
    const r = await align(["run", recipe], env);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("align run: warmup: skipped");
    expect(r.stderr).toContain("align run: rl (cgpo): resuming (continuing from its newest checkpoint)");
    expect(r.stderr).toContain("align run: evaluate (eval): starting (stage rl was re-run after it finished)");
    const steps = readJsonl(path.join(runDir, "rl", "metrics.jsonl")).filter((m) => m["task"] === null).map((m) => m["step"]);
    expect(steps).toEqual([1, 2, 3, 4]);
  });

  it("re-runs a finished stage whose configuration changed", async () => {
    writeFileSync(recipe, readFileSync(recipe, "utf8").replace("stage evaluate = eval {\n  model = rl.model", "stage evaluate = eval {\n  model = rl.model\n  samples = 2"));
    const r = await align(["run", recipe], env);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("align run: rl: skipped");
    expect(r.stderr).toContain("align run: evaluate (eval): starting (its configuration changed since it was started)");
  });

  it("stops at a failing stage with exit 1 and one line, keeping the finished stages", async () => {
    const bad = smallTiny();
    appendFileSync(path.join(bad.dir, "data/arith.jsonl"), "{\"prompt\": \"1+1=\", \"answer\": \n");
    const r = await align(["run", bad.recipe], env);
    expect(r.exitCode).toBe(1);
    const last = r.stderr.trim().split("\n").pop() ?? "";
    expect(last).toMatch(/^align run: stage rl failed \(worker exit 2\): .*arith\.jsonl:\d+.*; finished stages kept: warmup \(in .*\)$/);
    const out = path.join(bad.dir, "runs", "tiny");
    expect(readJson(path.join(out, "warmup", "result.json"))["status"]).toBe("done");
    expect(existsSync(path.join(out, "warmup", "model", "model.pt"))).toBe(true);
    expect(existsSync(path.join(out, "rl", "result.json"))).toBe(false);
    expect(existsSync(path.join(out, "evaluate"))).toBe(false);
  });

  it("--stage fails clearly when its inputs were not produced", async () => {
    const fresh = smallTiny();
    const r = await align(["run", fresh.recipe, "--stage", "rl"], env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("align run: stage rl reads the outputs of warmup, not finished in");
  });
});

describe("align run without a usable Python", () => {
  it("exits 1 naming the interpreter that cannot import torch", async () => {
    const { recipe } = smallTiny();
    const r = await align(["run", recipe, "--python", "/no/such/python3"]);
    expect(r.exitCode).toBe(1);
    // Pre-flight's report: a count, then one line per problem; no stage started.
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-2)).toBe("align run: pre-flight found 1 problem; nothing was started:");
    expect(lines.at(-1)).toBe(
      "  python: /no/such/python3 (from --python) cannot run the worker: cannot import torch (no such program); " +
        "point it at a Python with PyTorch (Debian: apt-get install -y python3-torch)");
  });

  it("exits 2 for an unknown --stage", async () => {
    const { recipe } = smallTiny();
    const r = await align(["run", recipe, "--stage", "nope"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`align run: --stage nope: no such stage (the recipe's stages: ${STAGES.join(", ")})`);
  });
});

describe("align run and signals", () => {
  it("forwards SIGTERM to the worker, prefixes its lines and exits 143", async () => {
    const { dir, recipe } = smallTiny();
    // A stand-in interpreter: passes the torch probe, then plays a worker that waits for TERM.
    const fake = path.join(dir, "fake-python.sh");
    const mark = path.join(dir, "worker-got-term");
    writeFileSync(fake, `#!/bin/sh\n[ "$1" = "-c" ] && exit 0\necho "fake worker for $7"\n` +
      `trap 'echo TERM > "${mark}"; exit 143' TERM\nwhile :; do sleep 0.05; done\n`, { mode: 0o755 });
    const child = align(["run", recipe, "--python", fake]);
    await new Promise<void>((resolve) => {
      child.stdout?.setEncoding("utf8");
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (chunk: string) => { if (chunk.includes("[warmup] fake worker for warmup")) resolve(); });
    });
    child.kill("SIGTERM");
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toContain("align run: SIGTERM: stopping the worker, then the judge server");
    expect(r.stderr.trim().split("\n").pop()).toMatch(/^align run: stage warmup interrupted \(worker exit 143\)/);
    expect(readFileSync(mark, "utf8").trim()).toBe("TERM");
  });
});
