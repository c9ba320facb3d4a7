/**
 * Fields a launch target cannot work without, although the schema leaves them optional so that
 * the message can say why and offer a fix: Kubernetes pods need an image and a shared,
 * persistent volume for the run directory (a pod's own disk is lost on restart, so it could not
 * resume), and a Secret when the recipe reads `env("NAME")` (the program stops at start when one
 * is unset).
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { envNames } from "../../plan/envNames.js";
import type { Rule } from "../rule.js";
import { addLaunchField } from "./support/launchBlock.js";
import { pointer } from "./support/pointer.js";

export const launchNeedsFieldCode: CodeInfo = {
  code: "AL4100",
  severity: "error",
  title: "launch target lacks a field it needs",
  description:
    "`launch kubernetes` needs `image` (the container with Node and the worker's Python " +
    "dependencies) and `volume_claim` (a ReadWriteMany PersistentVolumeClaim for the run " +
    "directory: every pod reads the checkpoints, and they must outlive a pod restart to resume). " +
    "`launch ray` with an `image` (for the KubeRay RayJob) needs `volume_claim` for the same reason. " +
    "Both need `secret` (a Secret holding the variables) when the recipe reads `env(\"NAME\")`: the pods have no other way to get them.",
  example: 'launch kubernetes { namespace = "ml" }\n',
};

interface Need {
  readonly field: string;
  /** Needed only when this holds of the block and the plan. */
  readonly when?: (block: Readonly<Record<string, unknown>>, plan: unknown) => boolean;
  /** Why the target needs it (from the plan when it names what the recipe reads). */
  readonly why: string | ((plan: unknown) => string);
  readonly placeholder: string;
}

const absent = (value: unknown) => value === null || value === undefined;
const readsSecrets = (_block: unknown, plan: unknown) => envNames(plan).length > 0;
const secretWhy = (plan: unknown) => `the recipe reads ${envNames(plan).join(", ")} from the environment, which its pods get only from a Secret`;

const needs: Readonly<Record<string, readonly Need[]>> = {
  kubernetes: [
    { field: "image", why: "its pods need a container image with Node and the worker's Python dependencies", placeholder: '"registry.example.com/align/worker@sha256:DIGEST"' },
    { field: "volume_claim", why: "its pods need a shared PersistentVolumeClaim for the run directory, or a restarted pod cannot resume", placeholder: '"align-runs"' },
    { field: "secret", when: readsSecrets, why: secretWhy, placeholder: '"align-secrets"' },
  ],
  ray: [
    { field: "volume_claim", when: (block) => !absent(block["image"]), why: "the RayJob's pods need a shared PersistentVolumeClaim for the bundle and the run directory", placeholder: '"align-runs"' },
    { field: "secret", when: (block, plan) => !absent(block["image"]) && readsSecrets(block, plan), why: secretWhy, placeholder: '"align-secrets"' },
  ],
};

export const launchNeedsFieldRule: Rule = {
  name: "LaunchNeedsField",
  codes: [launchNeedsFieldCode.code],
  check(context) {
    const launch = context.plan.launch as Record<string, Record<string, unknown> | undefined>;
    return Object.entries(needs).flatMap(([target, fields]) => {
      const block = launch[target];
      if (!block) return [];
      return fields
        .filter((need) => absent(block[need.field]) && (need.when === undefined || need.when(block, context.plan)))
        .map((need) => {
          const fix = addLaunchField(context, target, need.field, need.placeholder);
          const why = typeof need.why === "string" ? need.why : need.why(context.plan);
          return context.diagnostic(launchNeedsFieldCode.code, context.spanOf(pointer("launch", target, need.field)), `\`launch ${target}\` has no \`${need.field}\`: ${why}`, {
            help: `add \`${need.field} = ${need.placeholder}\``,
            ...(fix ? { fix } : {}),
          });
        });
    });
  },
};
