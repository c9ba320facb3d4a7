/** A `tracking` block that turns on no sink is a recipe that expects dashboards and gets none. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const trackingHasSinkCode: CodeInfo = {
  code: "AL4302",
  severity: "warning",
  title: "tracking block without a sink",
  description:
    "`tracking` declares where metrics go besides metrics.jsonl: `tensorboard = true` and/or a " +
    "`wandb { ... }` block. With neither, the block does nothing.",
  example: "recipe r {\n  tracking {\n    tensorboard = false\n  }\n}\n",
};

export const trackingHasSinkRule: Rule = {
  name: "TrackingHasSink",
  codes: [trackingHasSinkCode.code],
  check(context) {
    const tracking = context.plan.recipe.tracking;
    if (tracking === null || tracking === undefined || tracking.tensorboard || tracking.wandb !== null) return [];
    return [
      context.diagnostic(
        trackingHasSinkCode.code,
        context.spanOf(pointer("recipe", "tracking")),
        "`tracking` turns on no sink: metrics go to metrics.jsonl only",
        { help: "add `tensorboard = true` or a `wandb { project = \"...\" }` block, or remove `tracking`" },
      ),
    ];
  },
};
