/**
 * A judge's data inputs (`answer = field("answer")`, `tests = field("tests")`, ...) must be
 * fields of every prompt source it runs on, after its scope: otherwise each of those samples
 * ends in a judge error and, by default, counts as violated.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule, RuleContext } from "../rule.js";
import { columnHint, listFields } from "./support/dataFields.js";
import { judgeSites, type JudgeSite } from "./support/judgeSites.js";
import { pointer } from "./support/pointer.js";

export const judgeInputsProvidedCode: CodeInfo = {
  code: "AL5005",
  severity: "error",
  title: "judge input not provided by the data",
  description:
    "A judge reads a data field (`field(\"answer\")`, the default of math_answer; `tests` for " +
    "code_tests; `requirements` for instructions) that a prompt source it runs on does not " +
    "map. Every such sample would be a judge error. Map the column in the dataset, restrict " +
    "the judge with `scope = [...]`, or move it to the task that has the data.",
  example:
    'dataset chat = jsonl("chat.jsonl")\njudge math = math_answer {}\n' +
    'reward r { from = hf("org/rm") }\ntask t { prompts = [chat]  reward = r  judges = [math]  optimizer = crpg {} }\n',
};

/** `{field: name}` values inside a judge, with their plan pointers. */
export function fieldInputs(value: unknown, path: readonly string[] = []): { field: string; path: string[] }[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  if (typeof record["field"] === "string" && Object.keys(record).length === 1) return [{ field: record["field"], path: [...path] }];
  return Object.entries(record).flatMap(([key, inner]) => (key === "options" ? [] : fieldInputs(inner, [...path, key])));
}

export const judgeInputsProvidedRule: Rule = {
  name: "JudgeInputsProvided",
  codes: [judgeInputsProvidedCode.code],
  check(context) {
    const missing = new Map<string, { judge: string; field: string; path: string[]; sites: JudgeSite[] }>();
    for (const site of judgeSites(context.plan)) {
      for (const input of fieldInputs(context.plan.judges[site.judge])) {
        if (site.data.fields.has(input.field)) continue;
        const key = `${site.judge}\u0000${input.path.join("/")}`;
        const entry = missing.get(key) ?? { judge: site.judge, ...input, sites: [] };
        entry.sites.push(site);
        missing.set(key, entry);
      }
    }
    return [...missing.values()].map((entry) => report(context, entry.judge, entry.field, entry.path, entry.sites));
  },
};

function report(context: RuleContext, judge: string, field: string, path: readonly string[], sites: readonly JudgeSite[]) {
  const first = sites[0]!;
  const related = sites.flatMap((site) => {
    const span = context.spanOf(site.pointer);
    return span ? [{ span, message: `the judge runs on ${site.data.origin} here` }] : [];
  });
  return context.diagnostic(
    judgeInputsProvidedCode.code,
    context.spanOf(pointer("judges", judge, ...path)),
    `judge \`${judge}\` reads field \`${field}\`, which ${first.where} ${first.where.startsWith("the rows") ? "do" : "does"} not provide`,
    {
      notes: [
        ...(sites.length > 1 ? [`also missing on: ${sites.slice(1).map((site) => site.where).join(", ")}`] : []),
        `${first.data.origin} provides: ${listFields(first.data.fields)}`,
      ],
      help:
        columnHint(first.data, field, (logical) => `\`field("${logical}")\``) ??
        didYouMean(field, first.data.fields) ??
        `map a column to \`${field}\` in the dataset, or limit the judge with \`scope = [...]\``,
      related,
    },
  );
}
