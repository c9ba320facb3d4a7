/**
 * Every prompt template in the plan that is filled from data, with the fields its rows
 * provide: generate and render templates (stage and inline), and llm_judge templates at each
 * place the judge runs. (A json judge's `schema` is a template in the plan's encoding but is
 * JSON, not filled from data, so it is not listed.)
 */
import type { DataPlan, Plan, TemplatePlan } from "../../../plan/types.js";
import { fieldsOfData, type DataFields } from "./dataFields.js";
import { judgeSites } from "./judgeSites.js";
import type { RuleContext } from "../../rule.js";
import { judgesOf } from "./planIndex.js";

export interface TemplateUse {
  readonly template: TemplatePlan;
  /** Pointer of the template value, for its span. */
  readonly pointer: string;
  /** "the template of stage `analyze`" / "the template of judge `factuality`". */
  readonly owner: string;
  /** Undefined when the fields cannot be known (only syntax is checked then). */
  readonly data: DataFields | undefined;
  /** Where the rows come from, when that differs from the owner (a judge's task). */
  readonly where?: string;
  readonly wherePointer?: string;
}

const usesOf = new WeakMap<Plan, readonly TemplateUse[]>();

/** Listed once per plan (two rules read them). */
export function templateUses(context: Pick<RuleContext, "plan" | "entriesOf">): readonly TemplateUse[] {
  const { plan } = context;
  let uses = usesOf.get(plan);
  if (uses === undefined) {
    uses = [...stageTemplates(plan), ...judgeTemplates(context)];
    usesOf.set(plan, uses);
  }
  return uses;
}

function stageTemplates(plan: Plan): TemplateUse[] {
  const uses: TemplateUse[] = [];
  for (const [name, stage] of Object.entries(plan.stages)) {
    const base = `/stages/${name}`;
    if (stage.variant === "generate") {
      const source = stage.prompts ?? stage.from;
      const data = source ? fieldsOfData(plan, source) : undefined;
      uses.push({ template: stage.template, pointer: `${base}/template`, owner: `the template of stage \`${name}\``, data });
      if (source) uses.push(...inlineRenders(plan, source, `${base}/${stage.prompts ? "prompts" : "from"}`));
    } else if (stage.variant === "render") {
      const data = fieldsOfData(plan, stage.from);
      uses.push({ template: stage.template, pointer: `${base}/template`, owner: `the template of stage \`${name}\``, data });
      uses.push(...inlineRenders(plan, stage.from, `${base}/from`));
    } else if (stage.variant === "judge") {
      uses.push(...inlineRenders(plan, stage.from, `${base}/from`));
    } else if (stage.variant === "sft" || stage.variant === "dpo" || stage.variant === "reward_model") {
      stage.data.forEach((item, index) => uses.push(...inlineRenders(plan, item, `${base}/data/${index}`)));
    } else if (stage.variant === "eval" && stage.prompts) {
      uses.push(...inlineRenders(plan, stage.prompts, `${base}/prompts`));
      if (stage.template) uses.push({ template: stage.template, pointer: `${base}/template`, owner: `the template of stage \`${name}\``, data: fieldsOfData(plan, stage.prompts) });
    } else if (stage.variant === "eval" && stage.template) {
      const template = stage.template;
      for (const task of stage.tasks ?? []) uses.push(...taskSources(plan, task.task, template, `${base}/template`, `the template of stage \`${name}\``));
    }
  }
  return [...uses, ...taskTemplates(plan)];
}

/** The template checked against each of a task's prompt sources. */
function taskSources(plan: Plan, task: string, template: TemplatePlan, pointer: string, owner: string): TemplateUse[] {
  return (plan.tasks[task]?.prompts ?? []).map((source, index) => ({
    template,
    pointer,
    owner,
    data: fieldsOfData(plan, source),
    wherePointer: `/tasks/${task}/prompts/${index}`,
  }));
}

function taskTemplates(plan: Plan): TemplateUse[] {
  return Object.entries(plan.tasks).flatMap(([name, task]) =>
    taskSources(plan, name, task.template, `/tasks/${name}/template`, `the template of task \`${name}\``));
}

/** `render(from, template = ..., target = ...)` written inline, possibly nested. */
function inlineRenders(plan: Plan, data: DataPlan, pointer: string): TemplateUse[] {
  if (!("render" in data)) return [];
  const { from, template } = data.render;
  return [
    { template, pointer: `${pointer}/render/template`, owner: "the template of the inline render", data: fieldsOfData(plan, from) },
    ...inlineRenders(plan, from, `${pointer}/render/from`),
  ];
}

function judgeTemplates(context: Pick<RuleContext, "plan" | "entriesOf">): TemplateUse[] {
  const { plan } = context;
  const uses: TemplateUse[] = [];
  const sited = new Set<string>();
  for (const site of judgeSites(plan)) {
    const judge = plan.judges[site.judge];
    if (judge?.variant !== "llm_judge") continue;
    sited.add(site.judge);
    uses.push({
      template: judge.template,
      pointer: `/judges/${site.judge}/template`,
      owner: `the template of judge \`${site.judge}\``,
      data: site.data,
      where: site.where,
      wherePointer: site.pointer,
    });
  }
  // A judge used nowhere still gets its syntax checked.
  for (const [name, judge] of judgesOf(context, "llm_judge")) {
    if (!sited.has(name)) {
      uses.push({ template: judge.template, pointer: `/judges/${name}/template`, owner: `the template of judge \`${name}\``, data: undefined });
    }
  }
  return uses;
}
