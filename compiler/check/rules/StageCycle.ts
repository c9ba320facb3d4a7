/**
 * Stages form a DAG: a stage may not read, directly or through other stages, its own output.
 * Reported once per cycle, at the first stage of the cycle, with the whole path in a note.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { findCycles, stageDependencies } from "./support/stageGraph.js";
import { pointer } from "./support/pointer.js";

export const stageCycleCode: CodeInfo = {
  code: "AL4001",
  severity: "error",
  title: "stage cycle",
  description:
    "A stage reads the output of a stage that (directly or through others) reads its own " +
    "output, so no order can run them. The note lists the cycle.",
  example:
    'model m { from = hf("org/m-7b") }\n' +
    "stage a = generate { model = m  from = b }\n" +
    "stage b = generate { model = m  from = a }\n",
};

export const stageCycleRule: Rule = {
  name: "StageCycle",
  codes: [stageCycleCode.code],
  check(context) {
    const graph = stageDependencies(context.plan);
    return findCycles(graph).map((cycle) => {
      const first = cycle[0]!;
      const second = cycle[1]!;
      const message =
        cycle.length === 2
          ? `stage \`${first}\` reads its own output`
          : `stage \`${first}\` depends on itself through \`${second}\``;
      return context.diagnostic(stageCycleCode.code, context.spanOf(pointer("stages", first)), message, {
        notes: [`cycle: ${cycle.join(" → ")}`],
        help: "a stage can only read stages that run before it; break the cycle",
      });
    });
  },
};
