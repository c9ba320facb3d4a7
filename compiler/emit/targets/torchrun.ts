/**
 * `launch/torchrun.sh`: the command for one node, for users who start the nodes themselves (and
 * the entry point of the Kubernetes and SkyPilot targets). Every node runs the generated program
 * with the `torchrun` launcher, which starts this node's ranks through torchrun with c10d
 * rendezvous at MASTER_ADDR:MASTER_PORT; node 0 runs the run (lock, stage decisions, judge
 * server) and the other nodes follow it through its coordinator at MASTER_PORT+1.
 */
import { defaultRunId, envEntries, hashHeader, programWords, shQuote } from "./common.js";
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

/** The port torchrun's c10d store listens on when MASTER_PORT is not given (torchrun's own default). */
export const DEFAULT_MASTER_PORT = 29500;

function script(ctx: TargetContext): string {
  const endpoint = ctx.config["rdzv_endpoint"];
  const env = envEntries(ctx.config);
  return [
    "#!/bin/sh",
    ...hashHeader(ctx),
    "# Run on every node: NODE_RANK=<0..N-1> MASTER_ADDR=<node 0's address> launch/torchrun.sh",
    `# Recipe ${ctx.recipeName}: ${ctx.nodes} node(s) x ${ctx.ranksPerNode} ${ctx.cpu ? "CPU rank(s), gloo" : "GPU rank(s), NCCL"}.`,
    "# MASTER_ADDR must resolve on every node (a hostname or IP, not localhost on several nodes).",
    "# The run directory (ALIGN_RUNS/ALIGN_RUN_ID) must be on a filesystem every node shares.",
    "# Node 0 runs the run; the other nodes follow it through its coordinator on MASTER_PORT+1",
    "# (ALIGN_COORD_PORT), which they must reach like the rendezvous port (docs/launch.md).",
    "set -eu",
    'bundle=$(CDPATH="" cd -- "$(dirname -- "$0")/.." && pwd)',
    ': "${NODE_RANK:?set NODE_RANK (0 on the first node)}"',
    ...(typeof endpoint === "string"
      ? [`: "\${MASTER_ADDR:=${endpoint.split(":")[0]}}"`, `: "\${MASTER_PORT:=${endpoint.split(":")[1] ?? DEFAULT_MASTER_PORT}}"`]
      : [': "${MASTER_ADDR:?set MASTER_ADDR to the address of node 0, the same on every node}"', `: "\${MASTER_PORT:=${DEFAULT_MASTER_PORT}}"`]),
    `: "\${NNODES:=${ctx.nodes}}"`,
    `: "\${ALIGN_RUN_ID:=${defaultRunId(ctx)}}"`,
    ': "${ALIGN_RUNS:=$bundle/runs}"',
    "export NODE_RANK MASTER_ADDR MASTER_PORT NNODES ALIGN_RUN_ID ALIGN_RUNS",
    ...env.map(([k, v]) => `export ${k}=${shQuote(v)}`),
    `exec ${programWords(ctx, "$bundle")} --launcher torchrun --run-dir "$ALIGN_RUNS/$ALIGN_RUN_ID" "$@"`,
    "",
  ].join("\n");
}

export const torchrunTarget: TargetEmitter = {
  name: "torchrun",
  emit(ctx: TargetContext): BundleFile[] {
    return [{ path: "launch/torchrun.sh", content: script(ctx), executable: true }];
  },
};
