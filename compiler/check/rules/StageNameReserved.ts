/**
 * A stage writes its outputs to `<run dir>/<stage>`; `bundle` is where `align run` and
 * `align build` put the launch bundle in that same directory (docs/bundle.md), so no stage may
 * take the name.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

/** Run-directory entries that are not stages. */
export const RESERVED_STAGE_NAMES: readonly string[] = ["bundle"];

export const stageNameReservedCode: CodeInfo = {
  code: "AL7001",
  severity: "error",
  title: "stage name reserved by the run directory",
  description:
    "Each stage writes its outputs to a directory of its own name in the run directory, which " +
    "also holds the launch bundle (`bundle/`); a stage named `bundle` would write into the bundle.",
  example:
    'model m { from = hf("org/m-7b") }\n' +
    'dataset d = jsonl("d.jsonl") { prompt = "prompt" }\n' +
    "stage bundle = generate { model = m  prompts = d }\n",
};

export const stageNameReservedRule: Rule = {
  name: "StageNameReserved",
  codes: [stageNameReservedCode.code],
  check(context) {
    return Object.keys(context.plan.stages).filter((s) => RESERVED_STAGE_NAMES.includes(s)).map((stage) =>
      context.diagnostic(stageNameReservedCode.code, context.spanOf(pointer("stages", stage)),
        `stage \`${stage}\` would write its outputs into the run directory's launch bundle (\`${stage}/\`)`, {
          help: `rename the stage, e.g. \`${stage}_stage\``,
        }));
  },
};
