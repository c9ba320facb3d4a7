/**
 * What the judge server can be asked to judge for (`"task"` in POST /v1/judge): every task of
 * the plan, and every stage that judges rows (generate, judge, eval with `judges` or a `keep`
 * by verdict). Task and stage names share the recipe's one namespace, so they cannot collide.
 *
 * A unit's constraint judges decide feasibility. A task whose reward is `judge(j)` also gets j
 * as a reward-only judge: its verdict is returned (the worker turns it into the reward) but
 * never counts toward feasibility unless j is also one of the task's constraints.
 */
import { refName } from "./plan-config.js";
import type { JudgePlan, PlanRef } from "./plan-config.js";

export interface JudgeUnit {
  readonly name: string;
  /** Judges whose verdicts decide feasibility, in declaration order. */
  readonly constraints: readonly string[];
  /** Judges evaluated for their verdict only (reward judges). */
  readonly rewardOnly: readonly string[];
}

type Loose = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): Loose {
  return value !== null && typeof value === "object" ? (value as Loose) : {};
}

function judgeNames(refs: unknown): string[] {
  return Array.isArray(refs) ? refs.map((ref) => refName(ref as PlanRef, "judge")) : [];
}

/** The judge a task's reward reads, when the reward is `judge(j)`. */
function rewardJudge(plan: JudgePlan, task: Loose): string | undefined {
  const rewardRef = task["reward"];
  if (rewardRef === undefined || rewardRef === null) return undefined;
  const reward = asRecord(asRecord(plan["rewards"])[refName(rewardRef as PlanRef, "reward")]);
  const from = asRecord(reward["from"]);
  return from["type"] === "judge" && typeof from["judge"] === "string" ? from["judge"] : undefined;
}

function taskUnit(plan: JudgePlan, name: string, task: Loose): JudgeUnit {
  const constraints = judgeNames(task["judges"]);
  const reward = rewardJudge(plan, task);
  const rewardOnly = reward !== undefined && !constraints.includes(reward) ? [reward] : [];
  return { name, constraints, rewardOnly };
}

const JUDGING_STAGES = new Set(["generate", "judge", "eval"]);

function stageUnit(name: string, stage: Loose): JudgeUnit | undefined {
  if (!JUDGING_STAGES.has(String(stage["variant"]))) return undefined;
  const keep = judgeNames(asRecord(stage["keep"])["judges"]);
  const constraints = [...new Set([...judgeNames(stage["judges"]), ...keep])];
  return constraints.length > 0 ? { name, constraints, rewardOnly: [] } : undefined;
}

export function judgeUnits(plan: JudgePlan): JudgeUnit[] {
  const units = Object.entries(plan.tasks).map(([name, task]) => taskUnit(plan, name, task));
  for (const [name, stage] of Object.entries(asRecord(plan["stages"]))) {
    const unit = stageUnit(name, asRecord(stage));
    if (unit !== undefined && !plan.tasks[name]) units.push(unit);
  }
  return units;
}
