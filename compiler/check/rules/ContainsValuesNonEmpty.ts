/**
 * Every response contains the empty string, so a `contains` judge with "" among its values
 * decides nothing; the judge server refuses it.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const containsValuesNonEmptyCode: CodeInfo = {
  code: "AL4053",
  severity: "error",
  title: "empty string among a contains judge's values",
  description:
    "A `contains` judge looks for each of its `values` in the response. Every response contains " +
    "the empty string, so `\"\"` would make `any` always satisfied and `none` never; the judge " +
    "server refuses it. Remove it, or use a `length` judge for an empty response.",
  example: 'judge j = contains { values = ["yes", ""] }\n',
};

export const containsValuesNonEmptyRule: Rule = {
  name: "ContainsValuesNonEmpty",
  codes: [containsValuesNonEmptyCode.code],
  check(context) {
    return judgesOf(context, "contains").flatMap(([name, judge]) => {
      const index = judge.values.indexOf("");
      if (index === -1) return [];
      return [
        context.diagnostic(containsValuesNonEmptyCode.code, context.spanOf(pointer("judges", name, "values", String(index))), `value ${index} of judge \`${name}\` is the empty string, which every response contains`, {
          help: "remove it",
        }),
      ];
    });
  },
};
