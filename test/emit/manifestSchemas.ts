/**
 * Strict validation of generated Kubernetes manifests and SkyPilot tasks (what kubeconform -strict
 * does): the vendored schemas in test/fixtures/emit/schemas/ reject any field the API does not define.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import { REPO } from "./targetContext.js";

const SCHEMAS = path.join(REPO, "test/fixtures/emit/schemas");
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, "kubernetes.schema.json"), "utf8")) as object, "k8s");
ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, "skypilot.schema.json"), "utf8")) as object, "sky");

const byKind: Readonly<Record<string, string>> = {
  "batch/v1 Job": "Job",
  "v1 Service": "Service",
  "jobset.x-k8s.io/v1alpha2 JobSet": "JobSet",
  "ray.io/v1 RayJob": "RayJob",
};

/** `/json/pointer: message` for each violation of the schema at `ref`. */
function schemaErrors(ref: string, value: unknown): string[] {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`schema ${ref} missing`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => {
    const extra = e.keyword === "additionalProperties" ? ` \`${String((e.params as { additionalProperty: string }).additionalProperty)}\`` : "";
    return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
  });
}

/** A Kubernetes manifest's violations; one line when the kind has no schema. */
export function manifestErrors(manifest: Record<string, unknown>): string[] {
  const key = `${String(manifest["apiVersion"])} ${String(manifest["kind"])}`;
  const kind = byKind[key];
  return kind === undefined ? [`no schema for ${key}`] : schemaErrors(`k8s#/definitions/${kind}`, manifest);
}

/** A SkyPilot task YAML's violations (task, resources, job_recovery and file_mounts storage). */
export function skypilotTaskErrors(task: unknown): string[] {
  return schemaErrors("sky#/definitions/Task", task);
}
