/**
 * An sft, dpo or reward_model stage's `micro_batch_size` splits each rank's share of the global
 * `batch_size` (per `grad_accum` step) into forward passes. One larger than that share changes
 * nothing, and usually means it was written as a per-device batch (TRL's
 * per_device_train_batch_size, Axolotl's micro_batch_size) while `batch_size` stayed global.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { dataParallelRanks } from "./BatchDividesRanks.js";
import { pointer } from "./support/pointer.js";

export const microBatchFitsCode: CodeInfo = {
  code: "AL6010",
  severity: "warning",
  title: "micro_batch_size larger than each rank's share of the batch",
  description:
    "`batch_size` is the global batch: each of the data-parallel ranks takes `batch_size / " +
    "ranks` samples per step, in `grad_accum` parts, and `micro_batch_size` splits a part into " +
    "forward passes. A `micro_batch_size` larger than a part has no effect; as a per-device " +
    "batch (TRL, Axolotl) it means `batch_size` should be ranks × grad_accum × micro_batch_size.",
  example: 'dataset d = jsonl("d.jsonl")\nmodel m { from = hf("org/m") }\nstage s = sft { model = m  data = [d]  batch_size = 16  micro_batch_size = 32 }\n',
};

export const microBatchFitsRule: Rule = {
  name: "MicroBatchFits",
  codes: [microBatchFitsCode.code],
  check(context) {
    const ranks = dataParallelRanks(context.plan.cluster);
    const out = [];
    for (const [name, stage] of Object.entries(context.plan.stages)) {
      if (stage.variant !== "sft" && stage.variant !== "dpo" && stage.variant !== "reward_model") continue;
      const micro = stage.micro_batch_size;
      const part = stage.batch_size / ranks / stage.grad_accum;
      if (micro === null || !Number.isInteger(part) || micro <= part) continue; // a remainder is AL6002's
      out.push(
        context.diagnostic(
          microBatchFitsCode.code,
          context.spanOf(pointer("stages", name, "micro_batch_size")),
          `stage \`${name}\` has micro_batch_size ${micro}, but each rank takes ${part} sample${part === 1 ? "" : "s"} per step (batch_size ${stage.batch_size} / ${ranks} rank${ranks === 1 ? "" : "s"}${stage.grad_accum > 1 ? ` / grad_accum ${stage.grad_accum}` : ""}): it has no effect`,
          { help: `\`batch_size\` is the global batch: for ${micro} per rank, write \`batch_size = ${micro * ranks * stage.grad_accum}\`` },
        ),
      );
    }
    return out;
  },
};
