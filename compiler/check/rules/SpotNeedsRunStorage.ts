/**
 * A managed SkyPilot job on spot instances is recovered onto new machines; without a bucket for
 * the run directory its checkpoints die with the old ones and the run starts over.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { addLaunchField } from "./support/launchBlock.js";
import { pointer } from "./support/pointer.js";

export const spotNeedsRunStorageCode: CodeInfo = {
  code: "AL4103",
  severity: "warning",
  title: "spot instances without persistent run storage",
  description:
    "`use_spot = true` lets the cloud take the machines back; SkyPilot then recovers the job on " +
    "new ones. Give `run_storage` (a bucket mounted as the run directory) so it resumes from its " +
    "last checkpoint instead of starting over.",
  example: "launch skypilot { use_spot = true }\n",
};

export const spotNeedsRunStorageRule: Rule = {
  name: "SpotNeedsRunStorage",
  codes: [spotNeedsRunStorageCode.code],
  check(context) {
    const sky = context.plan.launch.skypilot;
    if (!sky || !sky.use_spot || sky.run_storage !== null) return [];
    const fix = addLaunchField(context, "skypilot", "run_storage", '"s3://BUCKET/align-runs"');
    return [
      context.diagnostic(spotNeedsRunStorageCode.code, context.spanOf(pointer("launch", "skypilot", "use_spot")), "spot instances without `run_storage`: a recovered job loses its checkpoints and starts over", {
        help: 'add `run_storage = "s3://BUCKET/align-runs"` (any bucket SkyPilot can mount)',
        ...(fix ? { fix } : {}),
      }),
    ];
  },
};
