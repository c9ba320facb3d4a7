/**
 * `launch/skypilot.yaml`: a SkyPilot task (`sky jobs launch` for managed recovery) of
 * `cluster.nodes` nodes; `run` starts `launch/torchrun.sh` on each node with SkyPilot's node env
 * (head first in SKYPILOT_NODE_IPS). The run id is SKYPILOT_TASK_ID, which survives a managed
 * job's recovery, and the run directory is the `run_storage` bucket when given, so a recovered
 * job resumes from its checkpoints.
 */
import { stringify } from "yaml";
import { clusterAccelerators } from "../../check/rules/LaunchGpusMatchCluster.js";
import { envEntries, hashHeader } from "./common.js";
import { DEFAULT_MASTER_PORT } from "./torchrun.js";
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

export interface SkypilotConfig {
  readonly cloud: string | null;
  readonly accelerators: string | null;
  readonly image: string | null;
  readonly use_spot: boolean;
  readonly recovery: "failover" | "eager_next_region";
  readonly max_restarts: number;
  readonly run_storage: string | null;
  readonly env: Readonly<Record<string, string>>;
}

/** Where the run directory lives on every node (the mounted bucket, or the node's disk). */
const RUNS = "/align-runs";

const RUN = [
  "set -eu",
  'export NODE_RANK="$SKYPILOT_NODE_RANK"',
  'export NNODES="$SKYPILOT_NUM_NODES"',
  'MASTER_ADDR=$(echo "$SKYPILOT_NODE_IPS" | head -n 1)',
  "export MASTER_ADDR",
  `export MASTER_PORT=${DEFAULT_MASTER_PORT}`,
  "# Stable across a managed job's recoveries: the run directory and its checkpoints are found again.",
  'export ALIGN_RUN_ID="$SKYPILOT_TASK_ID"',
  'export ALIGN_RDZV_ID="$SKYPILOT_TASK_ID"',
  `export ALIGN_RUNS=${RUNS}`,
  "sh launch/torchrun.sh",
  "",
].join("\n");

function task(ctx: TargetContext, c: SkypilotConfig): Record<string, unknown> {
  const accelerators = c.accelerators ?? clusterAccelerators({ gpus_per_node: ctx.cpu ? 0 : ctx.ranksPerNode, gpu: ctx.plan.cluster.gpu });
  const resources: Record<string, unknown> = {
    ...(c.cloud !== null ? { cloud: c.cloud } : {}),
    ...(accelerators !== null ? { accelerators } : { cpus: `${ctx.ranksPerNode}+` }),
    ...(c.image !== null ? { image_id: c.image } : {}),
    use_spot: c.use_spot,
    job_recovery: { strategy: c.recovery.toUpperCase(), max_restarts_on_errors: c.max_restarts },
  };
  const env = Object.fromEntries(envEntries(c as unknown as Record<string, unknown>));
  return {
    name: ctx.recipeName.replace(/_/g, "-"),
    // The bundle is the working directory SkyPilot syncs to every node.
    workdir: ".",
    num_nodes: ctx.nodes,
    resources,
    ...(Object.keys(env).length > 0 ? { envs: env } : {}),
    // Names only: SkyPilot takes the values from the launching shell (`--secret NAME`).
    ...(ctx.envNames.length > 0 ? { secrets: Object.fromEntries(ctx.envNames.map((n) => [n, null])) } : {}),
    ...(c.run_storage !== null ? { file_mounts: { [RUNS]: { source: c.run_storage, mode: "MOUNT" } } } : {}),
    // Air-gapped clusters install nothing at job start: the image carries node and the worker's deps.
    // A missing node fails the job here, in one line, instead of on every node at run time.
    setup: 'command -v node >/dev/null || { echo "align: the image has no node (Node.js 20): use an image with node and the worker\'s Python dependencies" >&2; exit 1; }\necho "align: node $(node --version)"\n',
    run: RUN,
  };
}

export const skypilotTarget: TargetEmitter = {
  name: "skypilot",
  emit(ctx: TargetContext): BundleFile[] {
    const c = ctx.config as unknown as SkypilotConfig;
    const head = [...hashHeader(ctx), "# Launch: cd BUNDLE && sky jobs launch launch/skypilot.yaml   (managed: recovers from preemption)"].join("\n");
    return [{ path: "launch/skypilot.yaml", content: `${head}\n${stringify(task(ctx, c), { lineWidth: 0, aliasDuplicateObjects: false })}` }];
  },
};
