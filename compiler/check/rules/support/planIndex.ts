/**
 * The plan's judges grouped by variant, and the scoped ones, listed once per plan. Most judge
 * rules look at one variant; with each rule listing and filtering every judge itself, a recipe
 * of tens of thousands of judges paid for that listing once per rule.
 */
import type { Plan, PlanJudge } from "../../../plan/types.js";
import type { RuleContext } from "../../rule.js";

/** What the index reads: the plan, and its judges as the lowering listed them. */
type JudgesView = Pick<RuleContext, "plan" | "entriesOf">;

type Variant = PlanJudge["variant"];
type JudgeOf<V extends Variant> = Extract<PlanJudge, { variant: V }>;

interface JudgeIndex {
  readonly byVariant: Map<string, (readonly [string, PlanJudge])[]>;
  /** Judges with a `scope`, in the plan's order (AL4008 looks at them alone). */
  readonly scoped: (readonly [string, PlanJudge])[];
}

const byPlan = new WeakMap<Plan["judges"], JudgeIndex>();

/** The judges listed once per plan: a recipe's tens of thousands cost a lookup each to list. */
function judgeIndex({ plan, entriesOf }: JudgesView): JudgeIndex {
  let index = byPlan.get(plan.judges);
  if (index === undefined) {
    index = { byVariant: new Map(), scoped: [] };
    const entries = entriesOf("judges");
    // Indexed: runs once per check over every judge, mostly unoptimized, where `for...of`
    // allocates a result object per item.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const judge = entry[1];
      const group = index.byVariant.get(judge.variant);
      if (group === undefined) index.byVariant.set(judge.variant, [entry]);
      else group.push(entry);
      if (judge.scope) index.scoped.push(entry);
    }
    byPlan.set(plan.judges, index);
  }
  return index;
}

/** `[name, judge]` of every judge of `variant`, in the plan's order. */
export function judgesOf<V extends Variant>(view: JudgesView, variant: V): ReadonlyArray<readonly [string, JudgeOf<V>]> {
  return (judgeIndex(view).byVariant.get(variant) ?? []) as unknown as ReadonlyArray<readonly [string, JudgeOf<V>]>;
}

/** `[name, judge]` of every judge with a `scope`, in the plan's order. */
export function scopedJudges(view: JudgesView): ReadonlyArray<readonly [string, PlanJudge]> {
  return judgeIndex(view).scoped;
}
