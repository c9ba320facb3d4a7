/** `gpus_per_node` and `gpu` must agree: GPUs of kind `cpu`, or a GPU kind with none. */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";

export const clusterGpuConsistentCode: CodeInfo = {
  code: "AL6003",
  severity: "error",
  title: "cluster GPU count and kind disagree",
  description:
    "`gpus_per_node > 0` needs a GPU kind (`gpu = h100_80gb`, ...) so the memory estimate and " +
    "launch scripts know the device; `gpus_per_node = 0` runs on CPU, where a GPU kind has no " +
    "effect.",
  example: "cluster { nodes = 1  gpus_per_node = 8 }\n",
};

export const clusterGpuConsistentRule: Rule = {
  name: "ClusterGpuConsistent",
  codes: [clusterGpuConsistentCode.code],
  check(context) {
    const { gpus_per_node: gpus, gpu } = context.plan.cluster;
    if (gpus > 0 && gpu === "cpu") {
      return [
        context.diagnostic(clusterGpuConsistentCode.code, context.spanOf("/cluster/gpu"), `the cluster has ${gpus} GPUs per node but \`gpu = cpu\``, {
          help: "name the GPU kind, e.g. `gpu = h100_80gb`, or set `gpus_per_node = 0` to run on CPU",
        }),
      ];
    }
    if (gpus === 0 && gpu !== "cpu") {
      return [
        context.diagnostic(clusterGpuConsistentCode.code, context.spanOf("/cluster/gpus_per_node"), `the cluster names \`gpu = ${gpu}\` but has no GPUs per node, so it runs on CPU`, {
          help: "set `gpus_per_node` to the GPUs of each node",
        }),
      ];
    }
    return [];
  },
};
