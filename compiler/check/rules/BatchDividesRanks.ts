/**
 * Global batch sizes are split evenly over the data-parallel ranks (nodes × gpus_per_node):
 * a remainder would leave ranks with different batch shapes and stall collective ops.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const batchDividesRanksCode: CodeInfo = {
  code: "AL6002",
  severity: "error",
  title: "batch size does not divide over data-parallel ranks",
  description:
    "A task's `batch_size` (prompts per step) and an sft or dpo stage's `batch_size` are " +
    "global: each of the nodes × gpus_per_node ranks takes an equal share. When the batch " +
    "is not a multiple of the rank count the shares differ. With `grad_accum`, each rank's " +
    "share must also divide into that many micro-steps.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "cluster { nodes = 1  gpus_per_node = 8  gpu = h100_80gb }\ntask t { prompts = [d]  reward = r  optimizer = crpg {}  batch_size = 12 }\n",
};

export function dataParallelRanks(cluster: { nodes: number; gpus_per_node: number; cpu_ranks: number }): number {
  return cluster.nodes * (cluster.gpus_per_node > 0 ? cluster.gpus_per_node : cluster.cpu_ranks);
}

export const batchDividesRanksRule: Rule = {
  name: "BatchDividesRanks",
  codes: [batchDividesRanksCode.code],
  check(context) {
    const { plan } = context;
    const ranks = dataParallelRanks(plan.cluster);
    const out = Object.entries(plan.tasks).flatMap(([name, task]) =>
      check(context, ranks, task.batch_size, 1, pointer("tasks", name, "batch_size"), `task \`${name}\``),
    );
    for (const [name, stage] of Object.entries(plan.stages)) {
      if (stage.variant === "sft" || stage.variant === "dpo" || stage.variant === "reward_model") {
        out.push(...check(context, ranks, stage.batch_size, stage.grad_accum, pointer("stages", name, "batch_size"), `stage \`${name}\``));
      }
    }
    return out;
  },
};

function check(context: RuleContext, ranks: number, batch: number, accumulation: number, at: string, owner: string) {
  const { nodes, gpus_per_node: gpus } = context.plan.cluster;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  const cpuRanks = context.plan.cluster.cpu_ranks;
  const layout = gpus > 0 ? `${plural(nodes, "node")} × ${plural(gpus, "GPU")}`
    : `${plural(nodes, "node")} on CPU${cpuRanks > 1 ? ` × ${plural(cpuRanks, "rank")}` : ""}`;
  if (batch % ranks !== 0) {
    const lower = Math.floor(batch / ranks) * ranks;
    const upper = lower + ranks;
    return [
      context.diagnostic(batchDividesRanksCode.code, context.spanOf(at), `${owner} has batch_size ${batch}, which does not divide over ${ranks} data-parallel ranks (${layout})`, {
        help: `use a multiple of ${ranks}, e.g. ${lower > 0 ? `${lower} or ` : ""}${upper}`,
      }),
    ];
  }
  const share = batch / ranks;
  if (share % accumulation !== 0) {
    return [
      context.diagnostic(batchDividesRanksCode.code, context.spanOf(at), `${owner} gives each rank ${share} samples, which do not split into grad_accum = ${accumulation} micro-steps`, {
        help: `make batch_size a multiple of ${ranks * accumulation} (ranks × grad_accum)`,
      }),
    ];
  }
  return [];
}
