import { bool, duration, enumOf, int, nullable, size, str } from "../fields.js";
import type { KindSpec } from "../types.js";

export const recipeFields = {
  seed: int("Seed for every random source.", { default: 0, min: 0 }),
  description: str("A sentence about the recipe.", { default: "" }),
  output_dir: str("Where runs are written, relative to the recipe.", { default: "runs" }),
};

export const recipeKind: KindSpec = {
  name: "recipe",
  doc: "The recipe itself (at most one): its name, seed and description.",
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
  sharding: enumOf(["auto", "ddp", "fsdp"], "How models are spread over GPUs; auto picks FSDP when a model does not fit one GPU.", {
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

export const launchVariantFields = {
  local: {},
  torchrun: { rdzv_endpoint: nullable(str("The rendezvous endpoint `host:port`.")) },
  slurm: {
    partition: str("The Slurm partition."),
    time: duration("The job's time limit."),
    account: nullable(str("The Slurm account.")),
    qos: nullable(str("The quality of service.")),
    constraint: nullable(str("A node feature constraint.")),
    exclusive: bool("Request whole nodes.", { default: true }),
  },
  kubernetes: {
    namespace: str("The namespace.", { default: "default" }),
    image: str("The container image with Node and the worker's Python dependencies."),
    service_account: nullable(str("The service account.")),
  },
  ray: { address: str("The Ray cluster address.", { default: "auto" }) },
  skypilot: {
    cloud: nullable(str("The cloud to launch on.")),
    accelerators: nullable(str("SkyPilot's accelerator spec, e.g. `H100:8`.")),
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
