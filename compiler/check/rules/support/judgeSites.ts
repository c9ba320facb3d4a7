/**
 * Where each judge runs, and with which data fields: on a task's prompt sources (restricted
 * to the judge's scope), and on the rows of generate, judge and eval stages.
 */
import type { DataPlan, Plan } from "../../../plan/types.js";
import { fieldsOfData, responseField, type DataFields } from "./dataFields.js";

export interface JudgeSite {
  readonly judge: string;
  /** The data fields of the rows the judge sees, plus `prompt` and the response field. */
  readonly data: DataFields;
  /** "prompt source `chat` of task `general`" / "stage `induce`". */
  readonly where: string;
  /** JSON pointer of the value that brings the judge or the data there, for a related span. */
  readonly pointer: string;
}

export function judgeSites(plan: Plan): JudgeSite[] {
  return [...taskSites(plan), ...stageSites(plan)];
}

function taskSites(plan: Plan): JudgeSite[] {
  const sites: JudgeSite[] = [];
  for (const [taskName, task] of Object.entries(plan.tasks)) {
    // A reward `from = judge(j)` runs j on every sample of the task, like a constraint.
    const rewardFrom = plan.rewards[task.reward.reward]?.from;
    const rewardJudge = rewardFrom?.type === "judge" ? [rewardFrom.judge] : [];
    for (const judgeName of new Set([...task.judges.map((j) => j.judge), ...rewardJudge])) {
      const judge = plan.judges[judgeName];
      if (!judge) continue;
      task.prompts.forEach(({ dataset }, index) => {
        if (judge.scope && !judge.scope.includes(dataset)) return;
        const data = fieldsOfData(plan, { dataset });
        if (!data) return;
        sites.push({
          judge: judgeName,
          data: withRow(data, ["prompt", "response"]),
          where: `prompt source \`${dataset}\` of task \`${taskName}\``,
          pointer: `/tasks/${taskName}/prompts/${index}`,
        });
      });
    }
  }
  return sites;
}

function stageSites(plan: Plan): JudgeSite[] {
  const sites: JudgeSite[] = [];
  for (const [name, stage] of Object.entries(plan.stages)) {
    let source: DataPlan | null = null;
    let judges: string[] = [];
    let response = "response";
    if (stage.variant === "generate") {
      source = stage.prompts ?? stage.from;
      judges = [...stage.judges.map((j) => j.judge), ...stage.keep.judges];
      response = responseField(stage);
    } else if (stage.variant === "judge") {
      source = stage.from;
      judges = [...stage.judges.map((j) => j.judge), ...stage.keep.judges];
    } else if (stage.variant === "eval" && stage.prompts) {
      source = stage.prompts;
      judges = stage.judges.map((j) => j.judge);
    }
    const data = source ? fieldsOfData(plan, source) : undefined;
    if (!data) continue;
    for (const judge of new Set(judges)) {
      if (!plan.judges[judge]) continue;
      sites.push({ judge, data: withRow(data, ["prompt", response]), where: `the rows of stage \`${name}\``, pointer: `/stages/${name}` });
    }
  }
  return sites;
}

function withRow(data: DataFields, extra: readonly string[]): DataFields {
  return { ...data, fields: new Set([...data.fields, ...extra]) };
}
