import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import type { Plan } from "../../compiler/index.js";
import { stageClosure, stageFingerprint, stageNeedsJudges } from "../../runtime/orchestrator/plan.js";
import type { RunPlan, RunPlanStage } from "../../runtime/orchestrator/plan.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function tinyPlan(): Plan {
  const plan = compile(path.join(root, "recipes/tiny.align")).plan;
  if (plan === undefined) throw new Error("recipes/tiny.align does not compile");
  return structuredClone(plan);
}

describe("a stage's configuration closure", () => {
  it("follows names through tasks and rewards to judges, models and datasets, not to stages", () => {
    const plan = tinyPlan();
    expect([...stageClosure(plan, "warmup").keys()].sort()).toEqual(["datasets/arith_sft", "models/tiny"]);
    expect([...stageClosure(plan, "rl").keys()].sort()).toEqual(
      ["datasets/arith", "judges/bare_number", "judges/correct", "rewards/correctness", "tasks/arithmetic"]);
  });

  it("decides which stages need the judge server", () => {
    const plan = tinyPlan();
    // Only the SFT warm-up runs without judges; RL and every eval call the judge server.
    expect(plan.stage_order.filter((s) => !stageNeedsJudges(plan, s))).toEqual(["warmup"]);
    expect(plan.stage_order.filter((s) => stageNeedsJudges(plan, s))).toEqual(["rl", "before", "before_held_out", "evaluate", "held_out"]);
  });

  it("fingerprints change with what the stage reads, and only with that", () => {
    const plan = tinyPlan();
    const before = plan.stage_order.map((s) => stageFingerprint(plan, s));
    (plan.judges["bare_number"] as { pattern: string }).pattern = "^[0-9]+$";
    const after = plan.stage_order.map((s) => stageFingerprint(plan, s));
    // bare_number is read by the RL task and by every eval; the SFT warm-up never reads it.
    expect(plan.stage_order.filter((_, i) => after[i] !== before[i])).toEqual(["rl", "before", "before_held_out", "evaluate", "held_out"]);
    // Key order is not configuration: the same stage written in another order is the same work.
    const rl = Object.fromEntries(Object.entries(plan.stages["rl"] ?? {}).reverse()) as RunPlanStage;
    const reversed: RunPlan = { ...plan, stages: { ...plan.stages, rl } };
    expect(stageFingerprint(reversed, "rl")).toBe(after[1]);
  });
});
