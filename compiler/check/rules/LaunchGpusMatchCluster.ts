/**
 * SkyPilot's `accelerators` requests GPUs per node; the worker starts one rank per GPU of
 * `cluster.gpus_per_node`. When they disagree, ranks would wait for GPUs that are not there, or
 * GPUs would idle, and the memory estimate would describe another machine.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const launchGpusMatchClusterCode: CodeInfo = {
  code: "AL4101",
  severity: "error",
  title: "launch target's GPUs differ from the cluster's",
  description:
    "A target's GPU request must be the cluster's: `accelerators = \"H100:8\"` needs " +
    "`gpus_per_node = 8` and an H100 `gpu`. Leave `accelerators` out to derive it from `cluster`.",
  example: 'cluster { nodes = 2  gpus_per_node = 8  gpu = h100_80gb }\nlaunch skypilot { accelerators = "H100:4" }\n',
};

/** SkyPilot's accelerator name for each GPU kind of `cluster.gpu`. */
export const skypilotAccelerator: Readonly<Record<string, string>> = {
  a100_40gb: "A100",
  a100_80gb: "A100-80GB",
  h100_80gb: "H100",
  h200_141gb: "H200",
  l40s_48gb: "L40S",
  b200_192gb: "B200",
};

/** `H100:8` from the cluster, or null on a CPU cluster. */
export function clusterAccelerators(cluster: { gpus_per_node: number; gpu: string }): string | null {
  const name = skypilotAccelerator[cluster.gpu];
  return cluster.gpus_per_node > 0 && name ? `${name}:${cluster.gpus_per_node}` : null;
}

export const launchGpusMatchClusterRule: Rule = {
  name: "LaunchGpusMatchCluster",
  codes: [launchGpusMatchClusterCode.code],
  check(context) {
    const given = context.plan.launch.skypilot?.accelerators;
    if (given === null || given === undefined) return [];
    const [name = "", count = "1"] = given.split(":");
    const expected = clusterAccelerators(context.plan.cluster);
    const wanted = skypilotAccelerator[context.plan.cluster.gpu];
    const countOk = Number(count) === context.plan.cluster.gpus_per_node;
    const nameOk = wanted !== undefined && name.toLowerCase() === wanted.toLowerCase();
    if (countOk && nameOk) return [];
    const span = context.spanOf(pointer("launch", "skypilot", "accelerators"));
    const cluster = expected ? `${context.plan.cluster.gpus_per_node} x ${context.plan.cluster.gpu} per node` : "no GPUs (a CPU cluster)";
    return [
      context.diagnostic(launchGpusMatchClusterCode.code, span, `\`accelerators = "${given}"\` asks SkyPilot for other GPUs than the cluster's ${cluster}`, {
        help: expected ? `use \`accelerators = "${expected}"\`, or leave it out to derive it from \`cluster\`` : "leave `accelerators` out on a CPU cluster, or give the cluster its GPUs",
        ...(span && expected ? { fix: { title: `use \`"${expected}"\``, edits: [{ span, newText: `"${expected}"` }] } } : {}),
      }),
    ];
  },
};
