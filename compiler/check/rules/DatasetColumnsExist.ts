/**
 * Every column a dataset maps a logical field to must exist in the file's first rows. The
 * first row lacking it is named, with the closest column present as a suggestion and fix.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { suggestions } from "../../diagnostics/suggest.js";
import { hasColumn, type JsonlRow } from "../../data/jsonl.js";
import type { Rule, RuleContext } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";

export const datasetColumnsExistCode: CodeInfo = {
  code: "AL5003",
  severity: "error",
  title: "dataset column missing",
  description:
    "A dataset maps a logical field to a column (`answer = \"solution\"`) that a row among the " +
    "file's first rows does not have. The message names the file and line; the help suggests " +
    "the closest column that row has. A dotted name (`metadata.answer`) reaches into nested objects.",
  example: 'dataset math = jsonl("math.jsonl") { prompt = "problem"  answer = "answr" }\n',
};

export const datasetColumnsExistRule: Rule = {
  name: "DatasetColumnsExist",
  codes: [datasetColumnsExistCode.code],
  check(context) {
    return Object.entries(context.plan.datasets).flatMap(([name, dataset]) => {
      const head = datasetHead(context, dataset.path);
      if (head.kind !== "ok" || head.rows.length === 0) return [];
      return Object.entries(dataset.fields).flatMap(([logical, column]) => {
        if (column == null) return [];
        const lacking = head.rows.find((row) => !hasColumn(row.value, column));
        return lacking ? [report(context, name, dataset.path, logical, column, lacking, head.rows.length)] : [];
      });
    });
  },
};

function report(context: RuleContext, dataset: string, path: string, logical: string, column: string, row: JsonlRow, rows: number) {
  const present = Object.keys(row.value);
  const best = suggestions(column, present, 1)[0];
  const span = context.spanOf(pointer("datasets", dataset, "fields", logical));
  const where = row.line === 1 || rows === 1 ? `${path}:${row.line}` : `${path}:${row.line} (the first row without it)`;
  return context.diagnostic(
    datasetColumnsExistCode.code,
    span,
    `dataset \`${dataset}\` maps \`${logical}\` to column \`${column}\`, which ${where} does not have`,
    {
      notes: [`columns in line ${row.line}: ${present.length > 0 ? present.join(", ") : "(none)"}`],
      ...(best ? { help: `did you mean \`${best}\`?` } : { help: `map \`${logical}\` to one of the file's columns` }),
      ...(best && span ? { fix: { title: `use column \`${best}\``, edits: [{ span, newText: JSON.stringify(best) }] } } : {}),
    },
  );
}

