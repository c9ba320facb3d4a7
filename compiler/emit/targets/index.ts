/** Every launch target `align build` can emit, by name: adding a target is one line here. */
import { kubernetesTarget } from "./kubernetes.js";
import { localTarget } from "./local.js";
import { rayTarget } from "./ray.js";
import { skypilotTarget } from "./skypilot.js";
import { slurmTarget } from "./slurm.js";
import { torchrunTarget } from "./torchrun.js";
import type { TargetEmitter } from "./types.js";

export type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

export const TARGETS: Readonly<Record<string, TargetEmitter>> = {
  local: localTarget,
  torchrun: torchrunTarget,
  slurm: slurmTarget,
  kubernetes: kubernetesTarget,
  ray: rayTarget,
  skypilot: skypilotTarget,
};
