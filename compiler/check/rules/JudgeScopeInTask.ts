/**
 * A judge's scope restricts it to some prompt sources; naming a dataset that no task using
 * the judge draws prompts from is a no-op, usually a typo or a forgotten prompt source.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Plan, PlanTask } from "../../plan/types.js";
import type { Rule } from "../rule.js";
import { scopedJudges } from "./support/planIndex.js";
import { nameList, pointer } from "./support/pointer.js";

export const judgeScopeInTaskCode: CodeInfo = {
  code: "AL4008",
  severity: "warning",
  title: "judge scope names a dataset no task of the judge uses",
  description:
    "`scope = [triviaqa, arc]` runs a judge only on samples from those prompt sources. A " +
    "dataset in the scope that is not a prompt source of any task using the judge never " +
    "matches, so the judge runs on fewer samples than intended (or none).",
  example:
    'dataset ultrachat = jsonl("chat.jsonl")\ndataset arc = jsonl("math.jsonl") { prompt = "problem"  answer = "answer" }\n' +
    'reward r { from = hf("org/rm") }\njudge factual = math_answer { scope = [arc] }\n' +
    "task chat { prompts = [ultrachat]  reward = r  judges = [factual]  optimizer = crpg {} }\n",
};

export const judgeScopeInTaskRule: Rule = {
  name: "JudgeScopeInTask",
  codes: [judgeScopeInTaskCode.code],
  check(context) {
    const { plan } = context;
    let usersOf: Map<string, [string, PlanTask][]> | undefined;
    // Only scoped judges are looked at, listed with the plan's judges (recipes have thousands).
    return scopedJudges(context).flatMap(([name, judge]) => {
      const scope = judge.scope!;
      usersOf ??= judgeUsers(plan);
      const users = usersOf.get(name) ?? [];
      if (users.length === 0) return [];
      const sources = new Set(users.flatMap(([, task]) => task.prompts.map((p) => p.dataset)));
      return scope.flatMap((dataset, index) =>
        sources.has(dataset)
          ? []
          : [
              context.diagnostic(
                judgeScopeInTaskCode.code,
                context.spanOf(pointer("judges", name, "scope", index)),
                `judge \`${name}\` is scoped to \`${dataset}\`, which is not a prompt source of ${users.length === 1 ? "task" : "tasks"} ${nameList(users.map(([task]) => task))}`,
                { notes: [`the prompt sources are ${nameList([...sources].sort())}`], help: `add \`${dataset}\` to the task's \`prompts\`, or remove it from the scope` },
              ),
            ],
      );
    });
  },
};

/** The tasks that list each judge, in the plan's order (one pass, not one per scoped judge). */
function judgeUsers(plan: Plan): Map<string, [string, PlanTask][]> {
  const users = new Map<string, [string, PlanTask][]>();
  for (const [taskName, task] of Object.entries(plan.tasks)) {
    for (const judge of new Set(task.judges.map((j) => j.judge))) {
      const list = users.get(judge);
      if (list === undefined) users.set(judge, [[taskName, task]]);
      else list.push([taskName, task]);
    }
  }
  return users;
}
