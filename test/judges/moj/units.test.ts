import { describe, expect, it } from "vitest";
import { buildTasks, createPools, judgeBatch } from "../../../runtime/judges/moj.js";
import type { JudgePlan } from "../../../runtime/judges/plan-config.js";
import { judgesUsedByTasks } from "../../../runtime/judges/registry.js";
import { satisfied, violated, type Judge, type Judgement, type Sample } from "../../../runtime/judges/types.js";
import { judgeUnits } from "../../../runtime/judges/units.js";

/** A judge whose verdict depends on the response text only. */
function keyword(name: string, word: string): Judge {
  return {
    name,
    variant: "contains",
    evaluate: (sample: Sample): Judgement => (sample.response.includes(word) ? satisfied("found") : violated("missing")),
  };
}

const plan: JudgePlan = {
  judges: {
    correct: { variant: "contains", on_error: "violated", scope: null },
    fmt: { variant: "contains", on_error: "violated", scope: null },
    harmful: { variant: "contains", on_error: "violated", scope: null },
  },
  rewards: { correctness: { from: { type: "judge", judge: "correct" } } },
  tasks: { arithmetic: { prompts: [{ dataset: "arith" }], reward: { reward: "correctness" }, judges: [{ judge: "fmt" }] } },
  stages: {
    induce: { variant: "generate", judges: [], keep: { type: "violated", judges: ["harmful"] } },
    finetune: { variant: "sft" },
    quiet: { variant: "generate", judges: [], keep: { type: "all", judges: [] } },
  },
};

describe("judge units", () => {
  it("lists every task, and every stage that judges rows", () => {
    expect(judgeUnits(plan)).toEqual([
      { name: "arithmetic", constraints: ["fmt"], rewardOnly: ["correct"] },
      { name: "induce", constraints: ["harmful"], rewardOnly: [] },
    ]);
    expect(judgesUsedByTasks(plan)).toEqual(["correct", "fmt", "harmful"]);
    expect(judgesUsedByTasks(plan, ["induce"])).toEqual(["harmful"]);
  });

  it("reports a reward judge's verdict without letting it decide feasibility", async () => {
    const judges = new Map<string, Judge>([
      ["correct", keyword("correct", "42")],
      ["fmt", keyword("fmt", "answer:")],
      ["harmful", keyword("harmful", "bad")],
    ]);
    const task = buildTasks(plan, judges).get("arithmetic")!;
    const samples: Sample[] = [
      { prompt: "q", response: "answer: 41", fields: {} },
      { prompt: "q", response: "42", fields: {} },
    ];
    const [wrongButWellFormed, rightButMalformed] = await judgeBatch(task, samples, createPools());
    expect(wrongButWellFormed).toMatchObject({ feasible: true, verdicts: { correct: { status: "violated" }, fmt: { status: "satisfied" } } });
    expect(rightButMalformed).toMatchObject({ feasible: false, verdicts: { correct: { status: "satisfied" }, fmt: { status: "violated" } } });
  });
});
