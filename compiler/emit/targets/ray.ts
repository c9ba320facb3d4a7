/**
 * `launch/ray/`: `driver.py`, a plain Ray driver (`python launch/ray/driver.py` on a machine of
 * the cluster: `ray.init(address=...)`, no `ray job submit`), which runs the generated program with
 * the `ray` launcher, whose stages it places as rank actors (one per GPU); and, when the recipe
 * names an image, `rayjob.yaml`, a KubeRay RayJob that brings up a cluster of `cluster.nodes` GPU
 * workers and runs the same driver.
 */
import { stringify } from "yaml";
import { defaultRunId, dnsLabel, envEntries, hashHeader } from "./common.js";
import { MOUNT, quantity } from "./kubernetes.js";
import { rayDriverSource } from "./rayDriver.js";
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

export interface RayConfig {
  readonly address: string;
  readonly image: string | null;
  readonly namespace: string;
  readonly volume_claim: string | null;
  readonly secret: string | null;
  readonly env: Readonly<Record<string, string>>;
}

function driver(ctx: TargetContext, c: RayConfig): string {
  return [
    "#!/usr/bin/env python3",
    ...hashHeader(ctx),
    `# Run: python launch/ray/driver.py   (on a machine of the Ray cluster at ${c.address}; ALIGN_RAY_ADDRESS overrides it)`,
    "# The bundle and the run directory (ALIGN_RUNS/ALIGN_RUN_ID) must be on storage every Ray node shares.",
    rayDriverSource({ address: c.address, programCommand: ctx.programCommand, runId: defaultRunId(ctx), nodes: ctx.nodes, ranksPerNode: ctx.ranksPerNode, cpu: ctx.cpu }),
  ].join("\n");
}

function pod(ctx: TargetContext, c: RayConfig, container: string, gpus: number, secrets: boolean): Record<string, unknown> {
  const env = [
    { name: "ALIGN_RUNS", value: `${MOUNT}/runs` },
    { name: "ALIGN_RUN_ID", value: defaultRunId(ctx) },
    ...envEntries(c as unknown as Record<string, unknown>).map(([name, value]) => ({ name, value })),
    // The driver passes its environment on to the rank actors, so only the head reads the Secret.
    ...(secrets && c.secret ? ctx.envNames.map((name) => ({ name, valueFrom: { secretKeyRef: { name: c.secret!, key: name } } })) : []),
  ];
  const resources = gpus > 0 ? { limits: { "nvidia.com/gpu": gpus }, requests: { "nvidia.com/gpu": gpus } } : {};
  return {
    spec: {
      containers: [{
        name: container,
        image: c.image ?? "IMAGE-REQUIRED",
        env,
        ...(gpus > 0 ? { resources } : {}),
        volumeMounts: [{ name: "align", mountPath: MOUNT }, { name: "dshm", mountPath: "/dev/shm" }],
      }],
      volumes: [
        { name: "align", persistentVolumeClaim: { claimName: c.volume_claim ?? "VOLUME-CLAIM-REQUIRED" } },
        { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: quantity(16 * 1024 ** 3) } },
      ],
    },
  };
}

function rayJob(ctx: TargetContext, c: RayConfig): string {
  const gpus = ctx.cpu ? 0 : ctx.ranksPerNode;
  const doc = {
    apiVersion: "ray.io/v1",
    kind: "RayJob",
    metadata: { name: dnsLabel(ctx.recipeName, 40), namespace: c.namespace, labels: { "app.kubernetes.io/name": "align" } },
    spec: {
      // KubeRay submits this on the head; the driver connects to the cluster it runs in.
      entrypoint: `cd ${MOUNT}/bundle && ALIGN_RAY_ADDRESS=auto python launch/ray/driver.py`,
      shutdownAfterJobFinishes: true,
      rayClusterSpec: {
        // The head runs the program and the judge server, no ranks.
        headGroupSpec: { rayStartParams: { "num-gpus": "0" }, template: pod(ctx, c, "ray-head", 0, true) },
        workerGroupSpecs: [{
          groupName: "ranks", replicas: ctx.nodes, minReplicas: ctx.nodes, maxReplicas: ctx.nodes,
          rayStartParams: ctx.cpu ? { "num-cpus": String(ctx.ranksPerNode) } : {},
          template: pod(ctx, c, "ray-worker", gpus, false),
        }],
      },
    },
  };
  return [...hashHeader(ctx), "# Apply: kubectl apply -f launch/ray/rayjob.yaml (needs the KubeRay operator)", `---\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`].join("\n");
}

export const rayTarget: TargetEmitter = {
  name: "ray",
  emit(ctx: TargetContext): BundleFile[] {
    const c = ctx.config as unknown as RayConfig;
    const files: BundleFile[] = [{ path: "launch/ray/driver.py", content: driver(ctx, c), executable: true }];
    if (c.image !== null && c.image !== undefined) files.push({ path: "launch/ray/rayjob.yaml", content: rayJob(ctx, c) });
    return files;
  },
};
