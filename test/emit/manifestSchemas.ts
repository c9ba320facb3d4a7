/**
 * Strict validation of generated Kubernetes manifests (what kubeconform -strict does): the
 * vendored schemas in test/fixtures/emit/schemas/ reject any field the API does not define.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Ajv } from "ajv";
import { REPO } from "./targetContext.js";

const SCHEMAS = path.join(REPO, "test/fixtures/emit/schemas/kubernetes.schema.json");
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(JSON.parse(readFileSync(SCHEMAS, "utf8")) as object, "k8s");

const byKind: Readonly<Record<string, string>> = {
  "batch/v1 Job": "Job",
  "v1 Service": "Service",
  "jobset.x-k8s.io/v1alpha2 JobSet": "JobSet",
  "ray.io/v1 RayJob": "RayJob",
};

/** `/json/pointer: message` for each violation; one line when the kind has no schema. */
export function manifestErrors(manifest: Record<string, unknown>): string[] {
  const key = `${String(manifest["apiVersion"])} ${String(manifest["kind"])}`;
  const kind = byKind[key];
  if (kind === undefined) return [`no schema for ${key}`];
  const validate = ajv.getSchema(`k8s#/definitions/${kind}`);
  if (!validate) throw new Error(`schema k8s#/definitions/${kind} missing`);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` \`${String((e.params as { additionalProperty: string }).additionalProperty)}\`` : "";
    return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
  });
}
