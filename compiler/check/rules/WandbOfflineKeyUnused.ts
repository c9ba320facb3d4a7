/**
 * An API key on an offline W&B sink is never read: offline runs write to disk only. Usually the
 * recipe meant `mode = online` and would silently log nothing to the server.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const wandbOfflineKeyUnusedCode: CodeInfo = {
  code: "AL4301",
  severity: "warning",
  title: "W&B API key given but mode is offline",
  description:
    "W&B's `mode` defaults to `offline`: the run is written under the stage directory and nothing " +
    "is sent, so `api_key` is never read. Add `mode = online` to stream the run, or drop `api_key`.",
  example: 'recipe r {\n  tracking {\n    wandb { project = "p"  api_key = env("WANDB_API_KEY") }\n  }\n}\n',
};

export const wandbOfflineKeyUnusedRule: Rule = {
  name: "WandbOfflineKeyUnused",
  codes: [wandbOfflineKeyUnusedCode.code],
  check(context) {
    const wandb = context.plan.recipe.tracking?.wandb;
    if (wandb === null || wandb === undefined || wandb.mode !== "offline" || wandb.api_key === null) return [];
    return [
      context.diagnostic(
        wandbOfflineKeyUnusedCode.code,
        context.spanOf(pointer("recipe", "tracking", "wandb", "api_key")),
        "`api_key` is never read: W&B runs offline (the default mode)",
        { help: "add `mode = online` to send the run to W&B, or remove `api_key`" },
      ),
    ];
  },
};
