/**
 * Training stages need particular fields in their data: sft a target (`target`, or a
 * `response` to imitate), dpo a `chosen` and a `rejected` response; a render's `target` must
 * name a field of the rows it renders.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { DataPlan } from "../../plan/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { fieldsOfData, listFields } from "./support/dataFields.js";
import { nameList, pointer } from "./support/pointer.js";

export const stageDataFieldsCode: CodeInfo = {
  code: "AL5006",
  severity: "error",
  title: "stage data lacks a field the stage needs",
  description:
    "An sft stage trains on each row's `target` (or, failing that, its `response`); a dpo " +
    "stage on `chosen` and `rejected`; a render's `target = \"x\"` copies field `x` of its input " +
    "into the target. The data source named here does not provide that field. Map the column " +
    "in the dataset, or build the rows with `render(source, template = ..., target = \"field\")`.",
  example:
    'model m { from = hf("org/m-7b") }\ndataset prompts = jsonl("prompts.jsonl")\n' +
    "stage s = sft { model = m  data = [prompts] }\n",
};

export const stageDataFieldsRule: Rule = {
  name: "StageDataFields",
  codes: [stageDataFieldsCode.code],
  check(context) {
    return Object.entries(context.plan.stages).flatMap(([name, stage]) => {
      const base = ["stages", name];
      switch (stage.variant) {
        case "sft":
          return stage.data.flatMap((item, i) => [...needs(context, name, item, [...base, "data", i], ["target", "response"], "any"), ...renders(context, item, [...base, "data", i])]);
        case "dpo":
          return stage.data.flatMap((item, i) => [...needs(context, name, item, [...base, "data", i], ["chosen", "rejected"], "all"), ...renders(context, item, [...base, "data", i])]);
        case "reward_model":
          return [...stage.data.entries(), ...(stage.held_out ?? []).entries()].flatMap(([i, item], n) => {
            const at = n < stage.data.length ? [...base, "data", i] : [...base, "held_out", i];
            return [...needs(context, name, item, at, ["chosen", "rejected"], "all"), ...renders(context, item, at)];
          });
        case "render":
          return [...renderTarget(context, stage.from, stage.target, [...base, "target"]), ...renders(context, stage.from, [...base, "from"])];
        case "generate": {
          const source = stage.prompts ?? stage.from;
          return source ? renders(context, source, [...base, stage.prompts ? "prompts" : "from"]) : [];
        }
        default:
          return [];
      }
    });
  },
};

function needs(context: RuleContext, stage: string, data: DataPlan, at: (string | number)[], wanted: string[], mode: "any" | "all") {
  const provided = fieldsOfData(context.plan, data);
  if (!provided) return [];
  const absent = wanted.filter((field) => !provided.fields.has(field));
  const ok = mode === "any" ? absent.length < wanted.length : absent.length === 0;
  if (ok) return [];
  const variant = context.plan.stages[stage]?.variant ?? "";
  const what = mode === "any" ? `${nameList(wanted).replace(" and ", " or ")} field` : `${nameList(absent)} field${absent.length > 1 ? "s" : ""}`;
  return [
    context.diagnostic(stageDataFieldsCode.code, context.spanOf(pointer(...at)), `${variant} stage \`${stage}\` trains on ${provided.origin}, which has no ${what}`, {
      notes: [`${provided.origin} provides: ${listFields(provided.fields)}`],
      help:
        mode === "any"
          ? 'map a column to `target` in the dataset, or use `render(source, template = ..., target = "field")`'
          : `map columns to ${nameList(absent)} in the dataset`,
    }),
  ];
}

function renderTarget(context: RuleContext, from: DataPlan, target: string, at: (string | number)[]) {
  const provided = fieldsOfData(context.plan, from);
  if (!provided || provided.fields.has(target)) return [];
  return [
    context.diagnostic(stageDataFieldsCode.code, context.spanOf(pointer(...at)), `render target \`${target}\` is not a field of ${provided.origin}`, {
      notes: [`${provided.origin} provides: ${listFields(provided.fields)}`],
      help: didYouMean(target, provided.fields) ?? "name the field that holds the training target",
    }),
  ];
}

/** Inline `render(...)` targets inside a data value, checked like render stages. */
function renders(context: RuleContext, data: DataPlan, at: (string | number)[]): ReturnType<RuleContext["diagnostic"]>[] {
  if (!("render" in data)) return [];
  const inner = [...at, "render"];
  return [...renderTarget(context, data.render.from, data.render.target, [...inner, "target"]), ...renders(context, data.render.from, [...inner, "from"])];
}
