/** Every launch target `align build` can emit, by name: adding a target is one line here. */
import { localTarget } from "./local.js";
import type { TargetEmitter } from "./types.js";

export type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

export const TARGETS: Readonly<Record<string, TargetEmitter>> = {
  local: localTarget,
};
