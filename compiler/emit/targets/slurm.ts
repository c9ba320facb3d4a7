/**
 * `launch/slurm.sbatch`: one batch job runs the generated program on the first node of the
 * allocation; the program's `slurm` launcher starts each stage with one
 * `srun --kill-on-bad-exit=1` that runs torchrun on every node (runtime/launch/slurm.ts). The
 * script owns what only the batch level can do: the allocation, requeue on preemption or time
 * limit (USR1 trap), bounded restarts, per-attempt logs, and a run directory keyed by a stable
 * run id so that each attempt resumes where the last stopped.
 */
import { defaultRunId, envEntries, hashHeader, programWords, shQuote, slurmTime } from "./common.js";
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

/**
 * The file that asks every training stage to checkpoint after its current step and stop
 * (runtime/worker/align_worker/trainer.py STOP_FILE): on the shared run directory, it reaches the
 * ranks on every node without passing a signal through srun and torchrun.
 */
export const STOP_FILE = ".align-checkpoint-and-stop";

export interface SlurmConfig {
  readonly partition: string | null;
  readonly time: number;
  readonly account: string | null;
  readonly qos: string | null;
  readonly constraint: string | null;
  readonly reservation: string | null;
  readonly exclusive: boolean;
  readonly sbatch: readonly string[];
  readonly container: string | null;
  readonly container_runtime: "pyxis" | "apptainer";
  readonly setup: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly max_restarts: number;
  readonly signal_before: number;
}

function directives(ctx: TargetContext, c: SlurmConfig): string[] {
  const d: string[] = [
    `--job-name=${ctx.recipeName}`,
    `--nodes=${ctx.nodes}`,
    "--ntasks-per-node=1",
  ];
  if (!ctx.cpu) d.push(`--gpus-per-node=${ctx.ranksPerNode}`);
  else d.push(`--cpus-per-task=${ctx.ranksPerNode}`);
  if (c.partition !== null) d.push(`--partition=${c.partition}`);
  if (c.account !== null) d.push(`--account=${c.account}`);
  if (c.qos !== null) d.push(`--qos=${c.qos}`);
  if (c.constraint !== null) d.push(`--constraint=${c.constraint}`);
  if (c.reservation !== null) d.push(`--reservation=${c.reservation}`);
  d.push(`--time=${slurmTime(c.time)}`);
  if (c.exclusive) d.push("--exclusive");
  d.push(
    "--requeue",
    `--signal=B:USR1@${Math.round(c.signal_before)}`,
    // One file per job, appended to by every attempt (each attempt's own log is below).
    "--open-mode=append",
    `--output=${ctx.recipeName}-%j.slurm.log`,
  );
  return [...d.map((x) => `#SBATCH ${x}`), ...c.sbatch.map((x) => `#SBATCH ${x}`)];
}

/** What the slurm launcher puts around each stage's torchrun: pyxis flags or an apptainer prefix. */
function containerLines(c: SlurmConfig): string[] {
  if (c.container === null) return [];
  const image = shQuote(c.container);
  if (c.container_runtime === "pyxis") {
    return [
      "# Every rank runs in the container (pyxis/enroot); the bundle and runs are mounted at the same paths.",
      `export ALIGN_SRUN_ARGS="--container-image=${image} --container-mounts=$bundle:$bundle,$runs:$runs --container-workdir=$bundle"`,
    ];
  }
  return [
    "# Every rank runs in the container (apptainer); the bundle and runs are bound at the same paths.",
    `export ALIGN_RANK_PREFIX="apptainer exec --nv --bind $bundle,$runs ${image}"`,
  ];
}

function body(ctx: TargetContext, c: SlurmConfig): string[] {
  const env = envEntries(c as unknown as Record<string, unknown>);
  const secrets = ctx.envNames.length === 0 ? [] : [
    `# The run reads ${ctx.envNames.join(", ")} from the environment sbatch was called in (never written here).`,
  ];
  return [
    "set -euo pipefail",
    "",
    "# The bundle: the directory sbatch was called in (sbatch runs a copy of this script from its",
    "# spool directory), or ALIGN_BUNDLE.",
    'bundle=${ALIGN_BUNDLE:-$SLURM_SUBMIT_DIR}',
    '[ -f "$bundle/plan.json" ] || { echo "align: $bundle has no plan.json: submit from the bundle directory or set ALIGN_BUNDLE" >&2; exit 2; }',
    `runs=\${ALIGN_RUNS:-$bundle/runs}`,
    `run_id=\${ALIGN_RUN_ID:-${defaultRunId(ctx)}}`,
    'run_dir="$runs/$run_id"',
    "attempt=${SLURM_RESTART_COUNT:-0}",
    `max_restarts=${c.max_restarts}`,
    'logs="$run_dir/logs/slurm"',
    'mkdir -p "$logs"',
    'log="$logs/${SLURM_JOB_ID}_${attempt}.log"',
    `stop_file="$run_dir/${STOP_FILE}"`,
    'rm -f "$stop_file"',
    'echo "align: job $SLURM_JOB_ID attempt $attempt on $SLURM_JOB_NODELIST; run $run_dir; log $log"',
    'if [ "$attempt" -gt "$max_restarts" ]; then',
    '  echo "align: requeued $attempt times, more than max_restarts ($max_restarts): giving up; the run directory keeps its checkpoints" >&2',
    "  exit 1",
    "fi",
    "",
    ...(c.setup.length > 0 ? ["# Environment setup (launch slurm { setup = [...] }).", ...c.setup, ""] : []),
    ...(env.length > 0 ? ["# launch slurm { env { ... } }", ...env.map(([k, v]) => `export ${k}=${shQuote(v)}`), ""] : []),
    ...secrets,
    "# Rendezvous and the judge server live on the first node; its address is what Slurm itself",
    "# uses to reach it (NodeAddr), which every node resolves.",
    'head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    'head_addr=$(scontrol show node "$head" | sed -n "s/.*NodeAddr=\\([^ ]*\\).*/\\1/p")',
    'export ALIGN_HEAD_ADDR=${head_addr:-$head}',
    'export ALIGN_RDZV_ID="${SLURM_JOB_ID}_${attempt}"',
    ...containerLines(c),
    "",
    "# Preemption warning or the time limit (--signal=B:USR1): the stop file asks every rank to",
    "# checkpoint the step it is at and stop; then requeue while restarts remain. SIGTERM (scancel,",
    "# scontrol requeue) stops the program at once: the ranks resume from their last checkpoint.",
    'pid=""',
    "# shellcheck disable=SC2317 # run by the USR1 trap",
    "requeue() {",
    '  echo "align: USR1 (preemption or time limit) on attempt $attempt: the ranks checkpoint and stop"',
    '  : >"$stop_file"',
    '  while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done',
    '  if [ "$attempt" -lt "$max_restarts" ]; then',
    '    echo "align: requeueing job $SLURM_JOB_ID (attempt $((attempt + 1)) of at most $max_restarts restarts)"',
    '    scontrol requeue "$SLURM_JOB_ID"',
    "  else",
    '    echo "align: no restarts left (max_restarts = $max_restarts)" >&2',
    "  fi",
    "  exit 0",
    "}",
    "trap requeue USR1",
    `trap 'kill -TERM "$pid" 2>/dev/null || true' TERM`,
    "",
    "# The program in the background, so the traps run while it works (bash runs a trap only",
    "# between commands).",
    `${programWords(ctx, "$bundle")} --launcher slurm --run-dir "$run_dir" "$@" >>"$log" 2>&1 &`,
    "pid=$!",
    "status=0",
    'wait "$pid" || status=$?',
    "# A trap interrupts wait; wait again for the real exit status.",
    'while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done',
    'echo "align: program exited $status (log $log)"',
    'exit "$status"',
  ];
}

function script(ctx: TargetContext): string {
  const c = ctx.config as unknown as SlurmConfig;
  return [
    "#!/bin/bash",
    ...hashHeader(ctx),
    `# Submit: cd BUNDLE && sbatch launch/slurm.sbatch   (or: align launch BUNDLE --target slurm)`,
    `# Recipe ${ctx.recipeName}: ${ctx.nodes} node(s) x ${ctx.ranksPerNode} ${ctx.cpu ? "CPU rank(s), gloo" : "GPU rank(s), NCCL"}.`,
    "# Environment: ALIGN_RUN_ID (default below) keys the run directory ALIGN_RUNS/ALIGN_RUN_ID, so a",
    "# requeued job resumes where it stopped; NODE and ALIGN_PYTHON pick node and the worker's Python.",
    ...directives(ctx, c),
    "",
    ...body(ctx, c),
    "",
  ].join("\n");
}

export const slurmTarget: TargetEmitter = {
  name: "slurm",
  emit(ctx: TargetContext): BundleFile[] {
    return [{ path: "launch/slurm.sbatch", content: script(ctx), executable: true }];
  },
};
