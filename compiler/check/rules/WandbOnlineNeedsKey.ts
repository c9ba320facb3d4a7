/**
 * Online W&B needs an API key, and the key may only come from the environment (`env("NAME")`):
 * without one, wandb would prompt for a login in the middle of a training run, or fail there.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const wandbOnlineNeedsKeyCode: CodeInfo = {
  code: "AL4300",
  severity: "error",
  title: "online W&B without an API key",
  description:
    "`tracking { wandb { mode = online } }` streams metrics to Weights & Biases, which needs an " +
    "API key. Name the environment variable that holds it: `api_key = env(\"WANDB_API_KEY\")` " +
    "(a key written in the recipe would end up in the plan and the bundle). Or keep the default " +
    "`mode = offline` and upload later with `wandb sync`.",
  example: 'recipe r {\n  tracking {\n    wandb { project = "p"  mode = online }\n  }\n}\n',
};

export const wandbOnlineNeedsKeyRule: Rule = {
  name: "WandbOnlineNeedsKey",
  codes: [wandbOnlineNeedsKeyCode.code],
  check(context) {
    const wandb = context.plan.recipe.tracking?.wandb;
    if (wandb === null || wandb === undefined || wandb.mode !== "online" || wandb.api_key !== null) return [];
    return [
      context.diagnostic(
        wandbOnlineNeedsKeyCode.code,
        context.spanOf(pointer("recipe", "tracking", "wandb", "mode")),
        "W&B `mode = online` needs `api_key = env(\"NAME\")`: the worker reads the key from that variable",
        { help: 'add `api_key = env("WANDB_API_KEY")`, or use `mode = offline` and `wandb sync` the run later' },
      ),
    ];
  },
};
