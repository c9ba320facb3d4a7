/**
 * The first rows of a JSONL dataset must each be one JSON object. A malformed line is named
 * by file, line and column, so it can be fixed without re-running anything.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";

export const datasetLinesValidCode: CodeInfo = {
  code: "AL5002",
  severity: "error",
  title: "malformed JSON line in a dataset",
  description:
    "A line among the first rows of a JSONL dataset is not a JSON object: a syntax error " +
    "(named by line and column, e.g. a trailing comma or an unescaped newline in a string), " +
    "or a value that is not an object. Only the first rows (up to 20, or 1 MiB) are read at " +
    "check time.",
  example: 'dataset chat = jsonl("chat-with-a-bad-line.jsonl")\n',
};

export const datasetLinesValidRule: Rule = {
  name: "DatasetLinesValid",
  codes: [datasetLinesValidCode.code],
  check(context) {
    return Object.entries(context.plan.datasets).flatMap(([name, dataset]) => {
      const head = datasetHead(context, dataset.path);
      if (head.kind !== "ok" || !head.problem) return [];
      const { line, column, message } = head.problem;
      return [
        context.diagnostic(
          datasetLinesValidCode.code,
          context.spanOf(pointer("datasets", name, "path")),
          `dataset \`${name}\`: ${dataset.path}:${line}:${column}: ${message}`,
          { notes: [`each line of a JSONL file must be one JSON object; reading stopped at line ${line}`] },
        ),
      ];
    });
  },
};
