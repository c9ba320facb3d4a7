import { describe, expect, it } from "vitest";
import { manifestErrors, skypilotTaskErrors } from "./manifestSchemas.js";

/** The strict schemas reject what a real API server (or SkyPilot's task loader) would: unknown or misspelled fields. */

function job(podSpec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" },
    spec: { completionMode: "Indexed", template: { spec: podSpec } },
  };
}
const container = { name: "c", image: "i", env: [{ name: "A", value: "1" }] };

describe("strict manifest schemas", () => {
  it("accept a well-formed Job", () => {
    expect(manifestErrors(job({ restartPolicy: "Never", containers: [container] }))).toEqual([]);
  });

  it("reject a misspelled field deep in a pod template", () => {
    const bad = job({ restartPolicy: "Never", containers: [{ ...container, volumeMount: [] }] });
    expect(manifestErrors(bad)).toEqual(["/spec/template/spec/containers/0: must NOT have additional properties `volumeMount`"]);
  });

  it("reject a misspelled JobSet field and a wrong enum value", () => {
    const jobset = {
      apiVersion: "jobset.x-k8s.io/v1alpha2", kind: "JobSet", metadata: { name: "s" },
      spec: { failurePolicy: { maxRestart: 3 }, replicatedJobs: [{ name: "n", template: { spec: { completionMode: "indexed", template: { spec: { containers: [container] } } } } }] },
    };
    expect(manifestErrors(jobset)).toEqual([
      "/spec/failurePolicy: must NOT have additional properties `maxRestart`",
      "/spec/replicatedJobs/0/template/spec/completionMode: must be equal to one of the allowed values",
    ]);
  });

  it("reject a secret given inline under secretKeyRef's wrong name", () => {
    const bad = job({ containers: [{ name: "c", env: [{ name: "K", valueFrom: { secretRef: { name: "s", key: "K" } } }] }] });
    expect(manifestErrors(bad)).toEqual(["/spec/template/spec/containers/0/env/0/valueFrom: must NOT have additional properties `secretRef`"]);
  });

  it("reject a RayJob field KubeRay does not define, and a kind it has no schema for", () => {
    const rayjob = { apiVersion: "ray.io/v1", kind: "RayJob", metadata: { name: "r" }, spec: { entrypoint: "x", shutdownAfterJobFinish: true, rayClusterSpec: { headGroupSpec: { template: { spec: { containers: [container] } } } } } };
    expect(manifestErrors(rayjob)).toEqual(["/spec: must NOT have additional properties `shutdownAfterJobFinish`"]);
    expect(manifestErrors({ apiVersion: "kubeflow.org/v1", kind: "PyTorchJob" })).toEqual(["no schema for kubeflow.org/v1 PyTorchJob"]);
  });

  it("accept a SkyPilot task and reject misspelled fields at every level of it", () => {
    const task = {
      name: "t", workdir: ".", num_nodes: 2, envs: { NCCL_DEBUG: "INFO" }, secrets: { HF_TOKEN: null },
      resources: { accelerators: "H100:8", use_spot: true, job_recovery: { strategy: "FAILOVER", max_restarts_on_errors: 3 } },
      file_mounts: { "/runs": { source: "s3://b/runs", mode: "MOUNT" } }, setup: "true", run: "sh launch/torchrun.sh",
    };
    expect(skypilotTaskErrors(task)).toEqual([]);
    const bad = {
      ...task, num_node: 2,
      resources: { ...task.resources, use_spots: true, job_recovery: { strategy: "FAILOVER", max_restart_on_errors: 3 } },
      file_mounts: { "/runs": { source: "s3://b/runs", mode: "MOUNTED" } },
      envs: { "NCCL-DEBUG": "INFO" },
    };
    expect(skypilotTaskErrors(bad)).toEqual([
      "/: must NOT have additional properties `num_node`",
      "/envs: must NOT have additional properties `NCCL-DEBUG`",
      "/file_mounts/~1runs: must be string",
      "/file_mounts/~1runs/mode: must be equal to one of the allowed values",
      "/file_mounts/~1runs: must match a schema in anyOf",
      "/resources: must NOT have additional properties `use_spots`",
      "/resources/job_recovery: must be string",
      "/resources/job_recovery: must NOT have additional properties `max_restart_on_errors`",
      "/resources/job_recovery: must match a schema in anyOf",
    ]);
  });
});
