import { block, bool, duration, enumOf, int, list, map, nullable, num, secret, size, str } from "../fields.js";
import type { KindSpec } from "../types.js";

/** Weights & Biases: offline by default, so nothing leaves the machine unless asked. */
export const wandbBlock = block(
  {
    project: str("The W&B project.", { default: "align" }),
    entity: nullable(str("The W&B team or user.")),
    mode: enumOf(["offline", "online"], "offline writes the run under the stage directory (sync it later with `wandb sync`); online streams it.", {
      default: "offline",
    }),
    api_key: nullable(secret("The API key, as `env(\"WANDB_API_KEY\")`; read only when `mode = online`.")),
    tags: list(str("A tag."), "Tags on every stage's W&B run.", { default: [] }),
  },
  "Log every stage's metrics to Weights & Biases (when the worker's Python has `wandb`): `wandb { project = \"p\" }`.",
);

/** Where metrics go besides metrics.jsonl, which stays the source of truth (docs/report.md). */
export const trackingBlock = block(
  {
    tensorboard: bool("Write TensorBoard event files to `<run dir>/<stage>/tensorboard` (torch's SummaryWriter).", { default: false }),
    wandb: nullable(wandbBlock),
  },
  "Metric sinks besides metrics.jsonl: `tracking { tensorboard = true  wandb { project = \"p\" } }`. A sink that fails warns once; the run goes on.",
);

export const recipeFields = {
  seed: int("Seed for every random source.", { default: 0, min: 0 }),
  description: str("A sentence about the recipe.", { default: "" }),
  output_dir: str("Where runs are written, relative to the recipe.", { default: "runs" }),
  tracking: nullable(trackingBlock),
  max_judge_error_rate: num("A stage fails when more than this share of any judge's verdicts are errors (a missing API key, an endpoint that is down).", {
    default: 0.1,
    min: 0,
    max: 1,
  }),
};

export const recipeKind: KindSpec = {
  name: "recipe",
  doc: "The recipe itself (at most one): its name, seed, description, output directory and metric sinks.",
  naming: "named",
  common: recipeFields,
  variants: null,
  syntax: "recipe NAME { ... }",
};

/** GPU kinds and their memory in bytes (used when `gpu_memory` is not given). */
export const gpuMemory: Readonly<Record<string, number>> = {
  cpu: 0,
  a100_40gb: 40 * 1024 ** 3,
  a100_80gb: 80 * 1024 ** 3,
  h100_80gb: 80 * 1024 ** 3,
  h200_141gb: 141 * 1024 ** 3,
  l40s_48gb: 48 * 1024 ** 3,
  b200_192gb: 192 * 1024 ** 3,
};

export const clusterFields = {
  nodes: int("Machines.", { default: 1, min: 1 }),
  gpus_per_node: int("GPUs per machine; 0 runs on CPU.", { default: 0, min: 0 }),
  cpu_ranks: int("Processes per machine when `gpus_per_node = 0` (data-parallel ranks over gloo on CPU).", {
    default: 1,
    min: 1,
  }),
  gpu: enumOf(["cpu", "a100_40gb", "a100_80gb", "h100_80gb", "h200_141gb", "l40s_48gb", "b200_192gb"], "The GPU kind.", { default: "cpu" }),
  gpu_memory: nullable(size("Memory per GPU, overriding the GPU kind's."), "from gpu"),
  sharding: enumOf(["auto", "ddp", "fsdp"], "How models are spread over GPUs; auto picks FSDP when a model does not fit one GPU. Under FSDP the trained model and every frozen model (reference, reward models, generators) are sharded, and Hugging Face checkpoints are read from their safetensors shard by shard, never whole on one rank (a trained model with LoRA excepted; docs/worker.md).", {
    default: "auto",
  }),
};

export const clusterKind: KindSpec = {
  name: "cluster",
  doc: "The machines the recipe runs on (at most one).",
  naming: "singleton",
  common: clusterFields,
  variants: null,
  syntax: "cluster { ... }",
};

const envMap = (what: string) =>
  map(str("A value."), `Environment variables for ${what}, e.g. \`NCCL_SOCKET_IFNAME = "eth0"\` (never secrets: use \`env("NAME")\` in the recipe).`, { default: {} });
const maxRestarts = (what: string) => int(`How many times ${what} before the run gives up; each restart resumes from the last checkpoint.`, { default: 3, min: 0 });

export const launchVariantFields = {
  local: {},
  torchrun: {
    rdzv_endpoint: nullable(str("The rendezvous endpoint `host:port`."), "$MASTER_ADDR:$MASTER_PORT"),
  },
  slurm: {
    partition: nullable(str("The Slurm partition."), "the cluster's default partition"),
    time: duration("The job's time limit."),
    account: nullable(str("The Slurm account.")),
    qos: nullable(str("The quality of service.")),
    constraint: nullable(str("A node feature constraint.")),
    reservation: nullable(str("A reservation to run in.")),
    exclusive: bool("Request whole nodes.", { default: true }),
    sbatch: list(str("An option."), "Extra `#SBATCH` options written as given, e.g. `\"--mail-type=END\"`.", { default: [] }),
    container: nullable(str("A container image every rank runs in (pinned by digest is best).")),
    container_runtime: enumOf(["pyxis", "apptainer"], "How `container` runs: pyxis/enroot (`srun --container-image`) or `apptainer exec`.", { default: "pyxis" }),
    setup: list(str("A shell command."), "Commands run before the first stage, e.g. `\"module load cuda/12.4\"`.", { default: [] }),
    env: envMap("every rank"),
    max_restarts: maxRestarts("the job is requeued (preemption, time limit, node failure)"),
    signal_before: duration("How long before the time limit Slurm sends USR1, so the workers checkpoint and the job requeues.", { default: 300 }),
  },
  kubernetes: {
    namespace: str("The namespace.", { default: "default" }),
    image: nullable(str("The container image with Node and the worker's Python dependencies (pinned by digest is best).")),
    service_account: nullable(str("The service account.")),
    api: enumOf(["jobset", "indexed_job"], "What `align launch` applies: a JobSet (needs the JobSet controller) or an Indexed Job with a headless Service. Both are generated.", {
      default: "jobset",
    }),
    volume_claim: nullable(str("The PersistentVolumeClaim (ReadWriteMany) that holds the run directory, shared by every pod and kept across restarts.")),
    secret: nullable(str("The Secret whose keys are the recipe's `env(\"NAME\")` variables; each becomes a `secretKeyRef`.")),
    shm_size: size("Shared memory (`/dev/shm`) per pod; NCCL and data loaders need more than the 64 MiB default.", { default: 16 * 1024 ** 3 }),
    env: envMap("every pod"),
    max_restarts: maxRestarts("the whole set of pods is restarted"),
  },
  ray: {
    address: str("The Ray cluster address the driver connects to.", { default: "auto" }),
    image: nullable(str("The image of the KubeRay RayJob manifest; without it only the driver is generated.")),
    namespace: str("The namespace of the KubeRay RayJob.", { default: "default" }),
    volume_claim: nullable(str("The PersistentVolumeClaim (ReadWriteMany) the RayJob's pods share for the bundle and the run directory.")),
    secret: nullable(str("The Secret whose keys are the recipe's `env(\"NAME\")` variables; each becomes a `secretKeyRef` of the RayJob's head, which runs the program.")),
    env: envMap("every rank"),
  },
  skypilot: {
    cloud: nullable(str("The cloud to launch on.")),
    accelerators: nullable(str("SkyPilot's accelerator spec, e.g. `H100:8`."), "from cluster"),
    image: nullable(str("The image (`image_id`), e.g. `docker:registry/align@sha256:...`.")),
    use_spot: bool("Run on spot instances (recovered by SkyPilot's managed jobs).", { default: false }),
    recovery: enumOf(["failover", "eager_next_region"], "SkyPilot's job recovery strategy after a preemption.", { default: "failover" }),
    max_restarts: maxRestarts("SkyPilot restarts the job after a user-code failure"),
    run_storage: nullable(str("A bucket (`s3://`, `gs://`, ...) mounted as the run directory so checkpoints survive a recovery onto new machines.")),
    env: envMap("every node"),
  },
} as const;

export const launchKind: KindSpec = {
  name: "launch",
  doc: "A launch target; several may be declared. The target name is the variant.",
  naming: "target",
  common: {},
  syntax: "launch TARGET { ... }",
  variants: [
    { name: "local", doc: "Run on this machine.", positional: [], fields: launchVariantFields.local },
    { name: "torchrun", doc: "torchrun on each node.", positional: [], fields: launchVariantFields.torchrun },
    { name: "slurm", doc: "An sbatch script.", positional: [], fields: launchVariantFields.slurm },
    { name: "kubernetes", doc: "A Kubernetes Job (indexed, one pod per node).", positional: [], fields: launchVariantFields.kubernetes },
    { name: "ray", doc: "A Ray job.", positional: [], fields: launchVariantFields.ray },
    { name: "skypilot", doc: "A SkyPilot task.", positional: [], fields: launchVariantFields.skypilot },
  ],
};
