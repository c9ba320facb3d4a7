/**
 * IFEval's two-column layout (`requirements = field("instruction_id_list")  kwargs =
 * field("kwargs")`): the two fields must differ, and in the first rows of a local dataset the
 * ids must be a list of strings and the kwargs a list of the same length whose items are
 * objects or null, as IFEval publishes them (a list stored as JSON text is accepted too).
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { columnValue } from "../../data/jsonl.js";
import type { Rule, RuleContext } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const instructionsColumnsCode: CodeInfo = {
  code: "AL4250",
  severity: "error",
  title: "instructions columns do not pair up",
  description:
    "An `instructions` judge with `kwargs` reads IFEval's own layout: `requirements` names the " +
    "column of instruction ids (`instruction_id_list`) and `kwargs` the column of their " +
    "arguments, one object (or null) per id. The two must be different fields, and each row " +
    "must hold a list of ids and a kwargs list of the same length; otherwise every sample of " +
    "the row errors with `invalid_requirements`.",
  example: 'judge ifeval = instructions { requirements = field("kwargs")  kwargs = field("kwargs") }\n',
};

export const instructionsColumnsRule: Rule = {
  name: "InstructionsColumns",
  codes: [instructionsColumnsCode.code],
  check(context) {
    const diagnostics = [];
    for (const [name, judge] of judgesOf(context, "instructions")) {
      if (judge.kwargs === null) continue;
      if (judge.kwargs.field === judge.requirements.field) {
        diagnostics.push(
          context.diagnostic(instructionsColumnsCode.code, context.spanOf(pointer("judges", name, "kwargs")), `judge \`${name}\` reads ids and kwargs from the same field \`${judge.kwargs.field}\``, {
            help: 'name the ids column in `requirements` (IFEval: `field("instruction_id_list")`) and the arguments in `kwargs`',
          }),
        );
        continue;
      }
      const bad = firstBadRow(context, name, judge.requirements.field, judge.kwargs.field);
      if (bad !== null) diagnostics.push(bad);
    }
    return diagnostics;
  },
};

/** The first bad row among the datasets that map both fields (the rows this judge reads). */
function firstBadRow(context: RuleContext, judge: string, idsField: string, kwargsField: string) {
  for (const plan of Object.values(context.plan.datasets)) {
    if (plan.type !== "jsonl") continue;
    const idsColumn = plan.fields[idsField];
    const kwargsColumn = plan.fields[kwargsField];
    if (typeof idsColumn !== "string" || typeof kwargsColumn !== "string") continue;
    const head = datasetHead(context, plan.path);
    if (head.kind !== "ok") continue;
    for (const row of head.rows) {
      const problem = pairProblem(columnValue(row.value, idsColumn), columnValue(row.value, kwargsColumn));
      if (problem === null) continue;
      return context.diagnostic(
        instructionsColumnsCode.code,
        context.spanOf(pointer("judges", judge, "kwargs")),
        `judge \`${judge}\`: ${plan.path}:${row.line}: ${problem} (columns \`${idsColumn}\` and \`${kwargsColumn}\`)`,
        { help: "each row needs a list of instruction ids and a kwargs list with one object (or null) per id" },
      );
    }
  }
  return null;
}

/** What is wrong with one row's pair of columns, or null. */
export function pairProblem(idsValue: unknown, kwargsValue: unknown): string | null {
  const ids = listOf(idsValue);
  const kwargs = listOf(kwargsValue);
  if (ids === null) return `the ids are ${describe(idsValue)}, not a list`;
  if (kwargs === null) return `the kwargs are ${describe(kwargsValue)}, not a list`;
  const badId = ids.findIndex((id) => typeof id !== "string" || id.trim() === "");
  if (badId !== -1) return `id ${badId} is ${describe(ids[badId])}, not a non-empty string`;
  if (ids.length !== kwargs.length) return `${ids.length} id(s) but ${kwargs.length} kwargs object(s)`;
  const badArgs = kwargs.findIndex((args) => args !== null && (typeof args !== "object" || Array.isArray(args)));
  return badArgs === -1 ? null : `kwargs ${badArgs} is ${describe(kwargs[badArgs])}, not an object or null`;
}

function listOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string" || !value.trim().startsWith("[")) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
