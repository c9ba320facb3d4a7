import { describe, expect, it } from "vitest";
import { buildTasks, combine, createPools, judgeBatch } from "../../../runtime/judges/moj.js";
import type { TaskJudge, TaskRuntime } from "../../../runtime/judges/moj.js";
import type { JudgePlan, OnErrorPolicy } from "../../../runtime/judges/plan-config.js";
import type { Judge, Judgement, Sample } from "../../../runtime/judges/types.js";
import { judgeError, satisfied, violated } from "../../../runtime/judges/types.js";

function fixed(name: string, judgement: Judgement, variant = "regex"): Judge {
  return { name, variant, evaluate: () => judgement };
}

function entry(judge: Judge, onError: OnErrorPolicy = "violated", scope: string[] | null = null): TaskJudge {
  return { name: judge.name, judge, onError, scope };
}

const sample = (source?: string): Sample => (source === undefined ? { prompt: "p", response: "r", fields: {} } : { prompt: "p", response: "r", fields: {}, source });

/** A judge that sleeps and records how many of its kind run at once. */
function slowJudge(name: string, variant: string, ms: number, tracker: { now: number; peak: number }): Judge {
  return {
    name,
    variant,
    async evaluate() {
      tracker.now += 1;
      tracker.peak = Math.max(tracker.peak, tracker.now);
      await new Promise((resolve) => setTimeout(resolve, ms));
      tracker.now -= 1;
      return satisfied("ok");
    },
  };
}

describe("MoJ feasibility", () => {
  const ok = fixed("ok", satisfied("answer_match"));
  const bad = fixed("bad", violated("answer_mismatch"));
  const broken = fixed("broken", judgeError("timeout"));

  it("is feasible iff every judge is satisfied", async () => {
    const pools = createPools();
    const [allOk] = await judgeBatch({ name: "t", judges: [entry(ok)] }, [sample()], pools);
    expect(allOk).toMatchObject({ feasible: true, skip: false });
    const [oneBad] = await judgeBatch({ name: "t", judges: [entry(ok), entry(bad)] }, [sample()], pools);
    expect(oneBad?.feasible).toBe(false);
    expect(oneBad?.verdicts.bad).toMatchObject({ status: "violated", reason: "answer_mismatch" });
  });

  it("is feasible when a task has no judges", async () => {
    const [result] = await judgeBatch({ name: "t", judges: [] }, [sample()], createPools());
    expect(result).toEqual({ feasible: true, skip: false, verdicts: {} });
  });

  it("reads errors through each judge's on_error policy", async () => {
    const pools = createPools();
    const run = async (policy: OnErrorPolicy) => (await judgeBatch({ name: "t", judges: [entry(ok), entry(broken, policy)] }, [sample()], pools))[0];
    expect(await run("violated")).toMatchObject({ feasible: false, skip: false });
    expect(await run("satisfied")).toMatchObject({ feasible: true, skip: false });
    expect(await run("skip_sample")).toMatchObject({ feasible: false, skip: true });
    // The verdict itself stays an error whatever the policy: the policy only decides feasibility.
    expect((await run("satisfied"))?.verdicts.broken?.status).toBe("error");
  });

  it("skips out-of-scope judges and errors when a scoped judge meets a sample without source", async () => {
    const task: TaskRuntime = { name: "chat", judges: [entry(ok), entry(bad, "violated", ["trivia", "arc"])] };
    const [chat, trivia, unknown] = await judgeBatch(task, [sample("ultrachat"), sample("trivia"), sample()], createPools());
    expect(chat?.verdicts.bad).toEqual({ status: "skipped", reason: "out_of_scope", latencyMs: 0 });
    expect(chat?.feasible).toBe(true);
    expect(trivia?.verdicts.bad?.status).toBe("violated");
    expect(trivia?.feasible).toBe(false);
    expect(unknown?.verdicts.bad).toMatchObject({ status: "error", reason: "source_unknown" });
  });

  it("turns a throwing judge into judge_threw and a bad return into invalid_judgement", async () => {
    const throws: Judge = { name: "throws", variant: "custom", evaluate: () => { throw new TypeError("boom"); } };
    const rejects: Judge = { name: "rejects", variant: "custom", evaluate: () => Promise.reject(new Error("async boom")) };
    const garbage: Judge = { name: "garbage", variant: "custom", evaluate: () => ({ verdict: "yes" }) as unknown as Judgement };
    const [result] = await judgeBatch({ name: "t", judges: [entry(throws), entry(rejects), entry(garbage)] }, [sample()], createPools());
    expect(result?.verdicts.throws).toMatchObject({ status: "error", reason: "judge_threw", detail: "TypeError: boom" });
    expect(result?.verdicts.rejects).toMatchObject({ status: "error", reason: "judge_threw" });
    expect(result?.verdicts.garbage).toMatchObject({ status: "error", reason: "invalid_judgement" });
    expect(result?.feasible).toBe(false);
  });

  it("keeps sample order and measures latency per judge", async () => {
    const tracker = { now: 0, peak: 0 };
    const task: TaskRuntime = { name: "t", judges: [entry(slowJudge("slow", "custom", 15, tracker))] };
    const results = await judgeBatch(task, [sample("a"), sample("b"), sample("c")], createPools());
    expect(results).toHaveLength(3);
    for (const result of results) expect(result.verdicts.slow?.latencyMs).toBeGreaterThanOrEqual(10);
  });

  it("combine() follows the judges' order and policies", () => {
    const judges = [entry(ok), entry(broken, "skip_sample")];
    const result = combine(judges, [{ status: "satisfied", reason: "a", latencyMs: 1 }, { status: "error", reason: "b", latencyMs: 2 }]);
    expect(result).toMatchObject({ feasible: false, skip: true });
    expect(Object.keys(result.verdicts)).toEqual(["ok", "broken"]);
  });
});

describe("MoJ concurrency", () => {
  it("never runs more judges at once than the pool allows, across concurrent batches", async () => {
    const tracker = { now: 0, peak: 0 };
    const task: TaskRuntime = { name: "t", judges: [entry(slowJudge("a", "custom", 5, tracker)), entry(slowJudge("b", "custom", 5, tracker))] };
    const pools = createPools({ default: 3 });
    const batch = Array.from({ length: 10 }, () => sample());
    await Promise.all([judgeBatch(task, batch, pools), judgeBatch(task, batch, pools)]);
    expect(tracker.peak).toBe(3);
    expect(pools.default.maxObserved).toBe(3);
  });

  it("gives code execution its own smaller pool", async () => {
    const code = { now: 0, peak: 0 };
    const rules = { now: 0, peak: 0 };
    const task: TaskRuntime = {
      name: "t",
      judges: [entry(slowJudge("tests", "code_tests", 10, code)), entry(slowJudge("format", "custom", 10, rules))],
    };
    const pools = createPools({ default: 8, code: 2 });
    await judgeBatch(task, Array.from({ length: 12 }, () => sample()), pools);
    expect(code.peak).toBe(2);
    expect(rules.peak).toBe(8);
  });
});

describe("buildTasks", () => {
  it("resolves plan references and policies", () => {
    const plan: JudgePlan = {
      judges: {
        math: { variant: "regex", on_error: "skip_sample", scope: [{ dataset: "gsm8k" }] },
        fmt: { variant: "regex", on_error: "violated", scope: null },
      },
      tasks: { reasoning: { prompts: [{ dataset: "gsm8k" }], judges: [{ judge: "math" }, "fmt"] } },
    };
    const judges = new Map<string, Judge>([["math", fixed("math", satisfied("x"))], ["fmt", fixed("fmt", satisfied("y"))]]);
    const task = buildTasks(plan, judges).get("reasoning");
    expect(task?.judges.map((j) => [j.name, j.onError, j.scope])).toEqual([["math", "skip_sample", ["gsm8k"]], ["fmt", "violated", null]]);
  });
});
