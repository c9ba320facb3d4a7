/** A dataset file without a single row gives a stage or task nothing to do. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";

export const datasetNotEmptyCode: CodeInfo = {
  code: "AL5008",
  severity: "warning",
  title: "empty dataset",
  description:
    "The dataset's file exists but holds no rows (only blank lines, or nothing), so every " +
    "task or stage reading it has no samples.",
  example: 'dataset chat = jsonl("empty.jsonl")\n',
};

export const datasetNotEmptyRule: Rule = {
  name: "DatasetNotEmpty",
  codes: [datasetNotEmptyCode.code],
  check(context) {
    return Object.entries(context.plan.datasets).flatMap(([name, dataset]) => {
      const head = datasetHead(context, dataset.path);
      if (head.kind !== "ok" || head.problem || head.rows.length > 0 || head.truncated) return [];
      return [
        context.diagnostic(datasetNotEmptyCode.code, context.spanOf(pointer("datasets", name, "path")), `dataset \`${name}\`: ${dataset.path} has no rows`),
      ];
    });
  },
};
