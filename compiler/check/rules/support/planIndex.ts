/**
 * The plan's judges grouped by variant, built once per plan. Most judge rules look at one
 * variant; with each rule listing and filtering every judge itself, a recipe of tens of
 * thousands of judges paid for that listing once per rule.
 */
import type { Plan, PlanJudge } from "../../../plan/types.js";

type Variant = PlanJudge["variant"];
type JudgeOf<V extends Variant> = Extract<PlanJudge, { variant: V }>;

const byPlan = new WeakMap<Plan["judges"], Map<string, [string, PlanJudge][]>>();

/** `[name, judge]` of every judge of `variant`, in the plan's order. */
export function judgesOf<V extends Variant>(plan: Plan, variant: V): ReadonlyArray<readonly [string, JudgeOf<V>]> {
  let groups = byPlan.get(plan.judges);
  if (groups === undefined) {
    groups = new Map();
    for (const name in plan.judges) {
      const judge = plan.judges[name]!;
      const group = groups.get(judge.variant);
      if (group === undefined) groups.set(judge.variant, [[name, judge]]);
      else group.push([name, judge]);
    }
    byPlan.set(plan.judges, groups);
  }
  return (groups.get(variant) ?? []) as unknown as ReadonlyArray<readonly [string, JudgeOf<V>]>;
}
