/**
 * The baselines end to end through `align run` (real CLI, judge server and Python worker), from
 * test/fixtures/baselines/: GRPO and RLOO (baselines.align: the compiler's plan fields reach the
 * worker under the names it reads, ppo_epochs becomes optimizer updates, judges_gate replaces an
 * infeasible sample's reward or only reports the judge), and a reward_model stage whose trained
 * model is a following CRPG stage's reward (reward_model.align), and PPO with a built-in value
 * model (ppo.align: value loss reported, ppo_epochs updates, the value model checkpointed), and
 * the same on a tiny random-init Llama under the worker venv (hf_reward_model.align: a Hugging
 * Face reward_model stage's output as a PPO stage's reward and value model).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { torchPython } from "../bundle/helpers.js";
import { WORKER_PYTHON } from "../launch/helpers.js";
import { ensureBuilt } from "../support/build.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const python = torchPython();
const dir = mkdtempSync(path.join(tmpdir(), "align-baselines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Metrics = Record<string, unknown>;
const readJsonl = (file: string): Metrics[] => readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Metrics);

beforeAll(async () => {
  mkdirSync(path.join(dir, "data"));
  cpSync(path.join(root, "recipes/data/arith.jsonl"), path.join(dir, "data/arith.jsonl"));
  for (const file of ["baselines.align", "ppo.align", "reward_model.align", "hf_reward_model.align", "rm_pairs.jsonl", "rm_sft.jsonl"]) cpSync(path.join(root, "test/fixtures/baselines", file), path.join(dir, file));
  await ensureBuilt(root);
}, 120_000);

/** The rm stage trained on 180 pairs and held out 60, with held-out accuracy above 0.9. */
function expectRewardModelLearned(out: string): void {
  const result = JSON.parse(readFileSync(path.join(out, "rm/result.json"), "utf8")) as Record<string, number>;
  expect([result["pairs"], result["held_out_pairs"]]).toEqual([180, 60]);
  expect(result["held_out_accuracy"]).toBeGreaterThan(0.9);
}

/** The rl stage's samples as the trained reward model scored them: with `!` clearly higher. */
function expectPreferredMarkScoresHigher(out: string): void {
  const samples = readJsonl(path.join(out, "rl/samples.jsonl"));
  const rewards = (withMark: boolean) => samples.filter((s) => String(s["response"]).includes("!") === withMark).map((s) => s["reward_raw"] as number);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(rewards(true).length).toBeGreaterThan(0);
  expect(rewards(false).length).toBeGreaterThan(0);
  expect(mean(rewards(true))).toBeGreaterThan(mean(rewards(false)) + 1);
}

function alignRun(recipe: string, worker = python) {
  return execa("node", [path.join(root, "bin/align.js"), "run", recipe], {
    cwd: root, reject: false, env: { NO_COLOR: "1", OMP_NUM_THREADS: "1", ALIGN_PYTHON: worker ?? "" },
  });
}

describe.runIf(python !== undefined)("align run with grpo and rloo tasks", () => {
  it("trains both, with ppo_epochs updates per step and the judges gating or only reported", async () => {
    const recipe = path.join(dir, "baselines.align");
    expect(compile(recipe).diagnostics).toEqual([]);
    const r = await alignRun(recipe);
    expect(r.stderr).toContain("[rl] step 2/2");
    expect(r.exitCode).toBe(0);
    const metrics = readJsonl(path.join(dir, "runs/baselines_e2e/rl/metrics.jsonl"));
    const of = (task: string | null) => metrics.filter((m) => m["task"] === task);

    // GRPO's ppo_epochs = 2: two optimizer updates on each step's rollout.
    expect(of(null).map((m) => m["optimizer_updates"])).toEqual([2, 2]);
    for (const task of ["grouped", "leave_one_out", "gated"]) {
      expect(of(task).map((m) => m["step"])).toEqual([1, 2]);
      for (const m of of(task)) for (const key of ["kl_mean", "advantage_abs_mean", "zero_advantage_prompts"]) expect(typeof m[key]).toBe("number");
    }
    // The policy is its own reference at step 1, and has moved by step 2.
    expect(of("grouped")[0]!["kl_mean"]).toBe(0);
    expect(of("grouped")[1]!["kl_mean"] as number).toBeGreaterThan(0);
    expect(of("grouped")[0]!["advantage_abs_mean"] as number).toBeGreaterThan(0);

    // No response is a bare number, yet some contain a digit (reward 1): reported only, the
    // reward keeps its spread; gated, every sample gets infeasible_reward and no advantage.
    const [reported, gated] = [of("leave_one_out")[0]!, of("gated")[0]!];
    expect([reported["feasible_rate"], gated["feasible_rate"]]).toEqual([0, 0]);
    expect(reported["reward_raw_mean"] as number).toBeGreaterThan(0);
    expect(gated["reward_raw_mean"] as number).toBeGreaterThan(0);
    expect(reported["advantage_abs_mean"] as number).toBeGreaterThan(0);
    expect(gated["advantage_abs_mean"]).toBe(0);
    expect(gated["zero_advantage_prompts"]).toBe(4);
  }, 120_000);
});

describe.runIf(python !== undefined)("align run with ppo tasks", () => {
  it("trains the policy and the value model, ppo_epochs updates per step, the value model in each checkpoint", async () => {
    const recipe = path.join(dir, "ppo.align");
    expect(compile(recipe).diagnostics).toEqual([]);
    const r = await alignRun(recipe);
    expect(r.stderr).toContain("[rl] step 2/2");
    expect(r.exitCode).toBe(0);
    const out = path.join(dir, "runs/ppo_e2e/rl");
    const metrics = readJsonl(path.join(out, "metrics.jsonl"));
    const of = (task: string | null) => metrics.filter((m) => m["task"] === task);
    expect(of(null).map((m) => m["optimizer_updates"])).toEqual([2, 2]);
    for (const task of ["reported", "gated"]) {
      expect(of(task).map((m) => m["step"])).toEqual([1, 2]);
      for (const m of of(task)) {
        expect(m["value_loss"] as number).toBeGreaterThan(0);
        expect(m["advantage_abs_mean"] as number).toBeGreaterThan(0);
      }
      // The policy is its own reference at step 1 and has moved by step 2 (per-token KL in the reward).
      expect(of(task)[0]!["kl_mean"]).toBe(0);
      expect(of(task)[1]!["kl_mean"] as number).not.toBe(0);
    }
    // No response is a bare number: gated, every sample's reward is infeasible_reward (−1), whose
    // squared return the fresh value model (≈ 0) misses by far more than the reported 0/1 rewards.
    expect(of("gated")[0]!["feasible_rate"]).toBe(0);
    expect(of("gated")[0]!["value_loss"] as number).toBeGreaterThan(of("reported")[0]!["value_loss"] as number);
    const checkpoint = path.join(out, "checkpoints/step-00000001");
    const state = JSON.parse(readFileSync(path.join(checkpoint, "state.json"), "utf8")) as Record<string, unknown>;
    expect(state["step"]).toBe(1);
    expect(readFileSync(path.join(checkpoint, "companions.pt")).length).toBeGreaterThan(1000);   // value model + AdamW
  }, 120_000);
});

describe.runIf(python !== undefined)("align run with a reward_model stage", () => {
  it("trains a reward model to > 0.9 held-out accuracy, and CRPG's reward then prefers what it learned", async () => {
    const recipe = path.join(dir, "reward_model.align");
    const plan = compile(recipe).plan!;
    expect(plan.stage_order).toEqual(["rm", "warm", "rl"]);
    expect(plan.stages["rl"]!.needs).toEqual(["rm", "warm"]);   // through task t's reward
    const r = await alignRun(recipe);
    expect(r.stderr).toContain("[rl] step 2/2");
    expect(r.exitCode).toBe(0);
    const out = path.join(dir, "runs/rm_e2e");
    expectRewardModelLearned(out);
    // The CRPG stage's samples, scored by the trained model: those with the preferred `!` score higher.
    expectPreferredMarkScoresHigher(out);
  }, 120_000);
});

describe.runIf(existsSync(WORKER_PYTHON))("align run with a Hugging Face reward_model stage", () => {
  it("trains it to > 0.9 held-out accuracy; PPO then scores with it and starts its value model from it", async () => {
    // The "hub download": a random-init Llama and its BPE tokenizer, built in code (no network).
    const fixtures = path.join(root, "runtime/worker/tests");
    await execa(WORKER_PYTHON, ["-c", `import sys; sys.path.insert(0, ${JSON.stringify(fixtures)}); import hf_fixtures as F, pathlib; F.save_causal_lm(pathlib.Path(sys.argv[1]), layers=1, hidden=32)`, path.join(dir, "tiny-llama")]);
    const recipe = path.join(dir, "hf_reward_model.align");
    expect(compile(recipe).diagnostics).toEqual([]);
    const r = await alignRun(recipe, WORKER_PYTHON);
    expect(r.stderr).toContain("[rl] step 2/2");
    expect(r.exitCode).toBe(0);
    const out = path.join(dir, "runs/hf_rm_e2e");
    expectRewardModelLearned(out);
    const saved = (dirName: string) => JSON.parse(readFileSync(path.join(out, dirName, "align_model.json"), "utf8")) as Record<string, unknown>;
    expect(saved("rm/model")["type"]).toBe("hf_reward");
    // The PPO stage's samples, scored by the trained model: those with the preferred `!` score higher.
    expectPreferredMarkScoresHigher(out);
    // The value model (started from rm.model) trained beside the policy, saved in model/value/rm.
    const lines = readJsonl(path.join(out, "rl/metrics.jsonl")).filter((m) => m["task"] === "t");
    expect(lines.map((m) => m["step"])).toEqual([1, 2]);
    for (const m of lines) expect(m["value_loss"] as number).toBeGreaterThan(0);
    expect(saved("rl/model/value/rm")["type"]).toBe("hf_reward");
    expect(existsSync(path.join(out, "rl/model/value/rm/model.safetensors"))).toBe(true);
  }, 120_000);
});
