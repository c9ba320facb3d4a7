/**
 * An `instructions` judge's requirements come from the data: an unknown instruction id or an
 * argument it does not take makes every sample of that row an error at run time. The first
 * rows of each dataset the judge reads go through the judge's own compile (handed in by the
 * CLI and the language server as `judgeInputChecks`; without it this rule is silent).
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { columnValue } from "../../data/jsonl.js";
import type { Rule, RuleContext } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pairProblem } from "./InstructionsColumns.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const instructionRowsValidCode: CodeInfo = {
  code: "AL4054",
  severity: "error",
  title: "instructions the judge cannot check",
  description:
    "The rows an `instructions` judge reads name IFEval instructions by id " +
    "(`punctuation:no_comma`, `length_constraints:number_words`, ...) with their arguments. " +
    "`align check` compiles the requirements of each dataset's first rows as the judge will: " +
    "an unknown id, an argument the instruction does not take, or a missing or ill-typed " +
    "one is reported with the row's line, where otherwise every sample of the row would end " +
    "as an `unknown_instruction` or `invalid_requirements` error.",
  example:
    'dataset d = jsonl("ifeval.jsonl") { prompt = "prompt"  fields { ids = "instruction_id_list"  kwargs = "kwargs" } }\n' +
    'judge ifeval = instructions { requirements = field("ids")  kwargs = field("kwargs") }\n',
};

export const instructionRowsValidRule: Rule = {
  name: "InstructionRowsValid",
  codes: [instructionRowsValidCode.code],
  check(context) {
    const check = context.judgeInputChecks?.instructions;
    if (check === undefined) return [];
    const out = [];
    for (const [name, judge] of judgesOf(context, "instructions")) {
      const kwargsField = judge.kwargs === null ? null : judge.kwargs.field;
      if (kwargsField === judge.requirements.field) continue; // AL4250
      const bad = firstBadRow(context, judge.requirements.field, kwargsField, check);
      if (bad === null) continue;
      out.push(
        context.diagnostic(instructionRowsValidCode.code, context.spanOf(pointer("judges", name, "requirements")), `judge \`${name}\`: ${bad.where}: ${bad.problem}`, {
          help: "fix the row, or drop the instruction from it (the ids are listed in docs/judges/instructions.md)",
        }),
      );
    }
    return out;
  },
};

type Check = (requirements: unknown, kwargs?: unknown) => string | null;

/** The first row, among the local datasets that map the judge's field(s), the judge would refuse. */
function firstBadRow(context: RuleContext, idsField: string, kwargsField: string | null, check: Check) {
  for (const plan of Object.values(context.plan.datasets)) {
    if (plan.type !== "jsonl") continue;
    const idsColumn = plan.fields[idsField];
    const kwargsColumn = kwargsField === null ? undefined : plan.fields[kwargsField];
    if (typeof idsColumn !== "string" || (kwargsField !== null && typeof kwargsColumn !== "string")) continue;
    const head = datasetHead(context, plan.path);
    if (head.kind !== "ok") continue;
    for (const row of head.rows) {
      const ids = columnValue(row.value, idsColumn);
      if (ids === undefined || ids === null) continue; // a missing field is AL5005's
      const kwargs = kwargsColumn === undefined ? undefined : columnValue(row.value, kwargsColumn);
      if (kwargs !== undefined && pairProblem(ids, kwargs) !== null) continue; // AL4250
      const problem = check(ids, kwargs);
      if (problem !== null) return { where: `${plan.path}:${row.line}`, problem };
    }
  }
  return null;
}
