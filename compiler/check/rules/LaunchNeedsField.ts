/**
 * Fields a launch target cannot work without, although the schema leaves them optional so that
 * the message can say why and offer a fix: Kubernetes pods need an image and a shared,
 * persistent volume for the run directory (a pod's own disk is lost on restart, so it could not
 * resume).
 */
import type { CodeInfo } from "../../diagnostics/types.js";
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
    "`launch ray` with an `image` (for the KubeRay RayJob) needs `volume_claim` for the same reason.",
  example: 'launch kubernetes { namespace = "ml" }\n',
};

interface Need {
  readonly field: string;
  /** Needed only when this other field of the block is set. */
  readonly when?: string;
  readonly why: string;
  readonly placeholder: string;
}

const needs: Readonly<Record<string, readonly Need[]>> = {
  kubernetes: [
    { field: "image", why: "its pods need a container image with Node and the worker's Python dependencies", placeholder: '"registry.example.com/align/worker@sha256:DIGEST"' },
    { field: "volume_claim", why: "its pods need a shared PersistentVolumeClaim for the run directory, or a restarted pod cannot resume", placeholder: '"align-runs"' },
  ],
  ray: [
    { field: "volume_claim", when: "image", why: "the RayJob's pods need a shared PersistentVolumeClaim for the bundle and the run directory", placeholder: '"align-runs"' },
  ],
};

const absent = (value: unknown) => value === null || value === undefined;

export const launchNeedsFieldRule: Rule = {
  name: "LaunchNeedsField",
  codes: [launchNeedsFieldCode.code],
  check(context) {
    const launch = context.plan.launch as Record<string, Record<string, unknown> | undefined>;
    return Object.entries(needs).flatMap(([target, fields]) => {
      const block = launch[target];
      if (!block) return [];
      return fields
        .filter((need) => absent(block[need.field]) && (need.when === undefined || !absent(block[need.when])))
        .map((need) => {
          const fix = addLaunchField(context, target, need.field, need.placeholder);
          return context.diagnostic(launchNeedsFieldCode.code, context.spanOf(pointer("launch", target, need.field)), `\`launch ${target}\` has no \`${need.field}\`: ${need.why}`, {
            help: `add \`${need.field} = ${need.placeholder}\``,
            ...(fix ? { fix } : {}),
          });
        });
    });
  },
};
