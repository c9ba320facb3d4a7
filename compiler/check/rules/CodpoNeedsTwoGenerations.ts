/**
 * CODPO builds a (chosen, rejected) pair from each prompt's samples, so a task optimised
 * with CODPO needs at least two generations per prompt; with one, chosen = rejected.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const codpoNeedsTwoGenerationsCode: CodeInfo = {
  code: "AL4002",
  severity: "error",
  title: "CODPO with fewer than two generations",
  description:
    "CODPO picks the best feasible and the worst infeasible sample of each prompt as a " +
    "preference pair; with `generations = 1` the pair is one sample against itself and the " +
    "loss is zero. Use `generations >= 2`.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = codpo { generations = 1 }\n}\n",
};

export const codpoNeedsTwoGenerationsRule: Rule = {
  name: "CodpoNeedsTwoGenerations",
  codes: [codpoNeedsTwoGenerationsCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      if (optimizer.variant !== "codpo" || optimizer.generations >= 2) return [];
      const span = context.spanOf(pointer("tasks", name, "optimizer", "generations"));
      return [
        context.diagnostic(
          codpoNeedsTwoGenerationsCode.code,
          span,
          `task \`${name}\` uses CODPO with ${optimizer.generations} generation per prompt; it needs at least 2`,
          {
            notes: ["CODPO pairs the best feasible sample with the worst infeasible one of the same prompt"],
            help: "set `generations = 2` or more (the paper's guidance: more for tasks with precise judges)",
            ...(span ? { fix: { title: "set `generations = 2`", edits: [{ span, newText: "2" }] } } : {}),
          },
        ),
      ];
    });
  },
};
