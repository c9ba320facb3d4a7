/**
 * `launch/kubernetes/`: one pod per node, each running `launch/torchrun.sh` (the program with the
 * `torchrun` launcher) with its node rank from the Job completion index and the master address
 * from stable pod DNS. Two forms: a JobSet (restarts the whole set on any failure, up to
 * `max_restarts`: the run resumes from its checkpoints) and, for clusters without the JobSet
 * controller, an Indexed Job with a headless Service. The bundle and the run directory live on the
 * declared PersistentVolumeClaim (`/align/bundle`, `/align/runs/RUN_ID`); secrets are
 * `secretKeyRef`s, never values.
 */
import { stringify } from "yaml";
import { defaultRunId, dnsLabel, envEntries, hashHeader } from "./common.js";
import { DEFAULT_MASTER_PORT } from "./torchrun.js";
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

export interface KubernetesConfig {
  readonly namespace: string;
  readonly image: string | null;
  readonly service_account: string | null;
  readonly api: "jobset" | "indexed_job";
  readonly volume_claim: string | null;
  readonly secret: string | null;
  readonly shm_size: number;
  readonly env: Readonly<Record<string, string>>;
  readonly max_restarts: number;
}

/** Where the volume is mounted; the bundle is copied to MOUNT/bundle once (docs/launch.md). */
export const MOUNT = "/align";
const COMPLETION_INDEX = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
const REPLICATED_JOB = "node";

type Env = { name: string; value?: string; valueFrom?: Record<string, Record<string, string>> };

/** `16Gi` for a whole number of GiB, else `Mi`, else bytes: the quantity kubectl would show. */
export function quantity(bytes: number): string {
  for (const [unit, size] of [["Gi", 1024 ** 3], ["Mi", 1024 ** 2], ["Ki", 1024]] as const) {
    if (bytes % size === 0 && bytes >= size) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function podEnv(ctx: TargetContext, c: KubernetesConfig, masterAddr: string, restartAttempt: Env | undefined): Env[] {
  const name = dnsLabel(ctx.recipeName);
  return [
    ...(restartAttempt ? [restartAttempt] : []),
    { name: "NODE_RANK", valueFrom: { fieldRef: { fieldPath: COMPLETION_INDEX } } },
    { name: "NNODES", value: String(ctx.nodes) },
    { name: "MASTER_ADDR", value: masterAddr },
    { name: "MASTER_PORT", value: String(DEFAULT_MASTER_PORT) },
    // A fresh rendezvous per restart, so no agent joins the previous attempt's round.
    { name: "ALIGN_RDZV_ID", value: restartAttempt ? `${name}-$(JOBSET_RESTART_ATTEMPT)` : name },
    { name: "ALIGN_RUN_ID", value: defaultRunId(ctx) },
    { name: "ALIGN_RUNS", value: `${MOUNT}/runs` },
    ...envEntries(c as unknown as Record<string, unknown>).map(([k, v]) => ({ name: k, value: v })),
    // Without `secret`, the pods lack these and the program stops naming them (docs/launch.md).
    ...(c.secret !== null ? ctx.envNames.map((env) => ({ name: env, valueFrom: { secretKeyRef: { name: c.secret!, key: env } } })) : []),
  ];
}

function podSpec(ctx: TargetContext, c: KubernetesConfig, env: Env[], extra: Record<string, unknown>): Record<string, unknown> {
  const gpus = ctx.cpu ? {} : { "nvidia.com/gpu": ctx.ranksPerNode };
  return {
    ...extra,
    restartPolicy: "Never",
    ...(c.service_account !== null ? { serviceAccountName: c.service_account } : {}),
    containers: [{
      name: "align",
      image: c.image ?? "IMAGE-REQUIRED",
      workingDir: `${MOUNT}/bundle`,
      command: ["sh", "launch/torchrun.sh"],
      env,
      ports: [{ name: "rendezvous", containerPort: DEFAULT_MASTER_PORT }],
      resources: ctx.cpu ? { requests: { cpu: String(ctx.ranksPerNode) } } : { limits: gpus, requests: gpus },
      volumeMounts: [{ name: "align", mountPath: MOUNT }, { name: "dshm", mountPath: "/dev/shm" }],
    }],
    volumes: [
      { name: "align", persistentVolumeClaim: { claimName: c.volume_claim ?? "VOLUME-CLAIM-REQUIRED" } },
      { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: quantity(c.shm_size) } },
    ],
  };
}

function labels(ctx: TargetContext): Record<string, string> {
  return { "app.kubernetes.io/name": "align", "app.kubernetes.io/instance": dnsLabel(ctx.recipeName) };
}

function jobSet(ctx: TargetContext, c: KubernetesConfig): Record<string, unknown> {
  const name = dnsLabel(ctx.recipeName, 40);
  // JobSet names pods <jobset>-<replicatedJob>-<job index>-<pod index>, under subdomain <jobset>.
  const master = `${name}-${REPLICATED_JOB}-0-0.${name}`;
  const restart: Env = { name: "JOBSET_RESTART_ATTEMPT", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['jobset.sigs.k8s.io/restart-attempt']" } } };
  return {
    apiVersion: "jobset.x-k8s.io/v1alpha2",
    kind: "JobSet",
    metadata: { name, namespace: c.namespace, labels: labels(ctx) },
    spec: {
      network: { enableDNSHostnames: true, subdomain: name },
      // Any failed pod restarts every pod (a collective cannot go on without one rank); each
      // restart resumes from the last checkpoint on the volume.
      failurePolicy: { maxRestarts: c.max_restarts },
      replicatedJobs: [{
        name: REPLICATED_JOB,
        replicas: 1,
        template: {
          spec: {
            parallelism: ctx.nodes, completions: ctx.nodes, completionMode: "Indexed", backoffLimit: 0,
            template: { metadata: { labels: labels(ctx) }, spec: podSpec(ctx, c, podEnv(ctx, c, master, restart), {}) },
          },
        },
      }],
    },
  };
}

function indexedJob(ctx: TargetContext, c: KubernetesConfig): Record<string, unknown>[] {
  const name = dnsLabel(ctx.recipeName, 50);
  // An Indexed Job's pods are named <job>-<index>; with subdomain = the headless Service they
  // resolve as <job>-<index>.<service>.
  const master = `${name}-0.${name}`;
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: c.namespace, labels: labels(ctx) },
    spec: {
      clusterIP: "None",
      selector: { "batch.kubernetes.io/job-name": name },
      // Workers must resolve the master before it is ready.
      publishNotReadyAddresses: true,
      ports: [{ name: "rendezvous", port: DEFAULT_MASTER_PORT }],
    },
  };
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: c.namespace, labels: labels(ctx) },
    spec: {
      parallelism: ctx.nodes, completions: ctx.nodes, completionMode: "Indexed",
      // A failed pod is replaced (its peers fail on the broken collective and are replaced too);
      // every replacement resumes from the volume's checkpoints.
      backoffLimit: c.max_restarts * ctx.nodes,
      template: { metadata: { labels: labels(ctx) }, spec: podSpec(ctx, c, podEnv(ctx, c, master, undefined), { subdomain: name }) },
    },
  };
  return [service, job];
}

function yamlFile(ctx: TargetContext, command: string, docs: readonly Record<string, unknown>[]): string {
  const head = [...hashHeader(ctx), `# Apply: ${command}`].join("\n");
  return `${head}\n${docs.map((d) => `---\n${stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`).join("")}`;
}

export const kubernetesTarget: TargetEmitter = {
  name: "kubernetes",
  emit(ctx: TargetContext): BundleFile[] {
    const c = ctx.config as unknown as KubernetesConfig;
    return [
      { path: "launch/kubernetes/indexed-job.yaml", content: yamlFile(ctx, "kubectl apply -f launch/kubernetes/indexed-job.yaml (clusters without JobSet)", indexedJob(ctx, c)) },
      { path: "launch/kubernetes/jobset.yaml", content: yamlFile(ctx, "kubectl apply -f launch/kubernetes/jobset.yaml (needs the JobSet controller)", [jobSet(ctx, c)]) },
    ];
  },
};
