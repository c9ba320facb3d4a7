/** The sandbox runner: bubblewrap isolation, resource limits, bounded output, a pool. */
export { runSandboxed, resolveLimits, startSandboxed, type StartedSandbox } from "./sandbox.js";
export { WarmSandboxes, DEFAULT_WARM_IDLE_MS, type WarmOptions } from "./warm.js";
export { SandboxPool, type SandboxPoolOptions, type SandboxPoolStats } from "./pool.js";
export { probeSandbox, clearProbeCache, type ProbeResult, type SandboxHost } from "./probe.js";
export { backstopSeconds, WORK_DIR } from "./bwrap_args.js";
export {
  DEFAULT_LIMITS,
  type SandboxHostOptions,
  type SandboxLimits,
  type SandboxMode,
  type SandboxRequest,
  type SandboxResult,
  type SandboxStatus,
} from "./types.js";
