/** A code-executing judge needs the bubblewrap sandbox; it never runs code without it. */
import { probeSandbox } from "../sandbox/index.js";
import type { SandboxHostOptions } from "../sandbox/types.js";
import type { PreflightProblem } from "./types.js";

/** `host`: the judge server's sandbox options (default: bwrap on PATH, as the server uses). */
export async function checkSandbox(stages: readonly string[], host: SandboxHostOptions = {}): Promise<PreflightProblem[]> {
  if (stages.length === 0) return [];
  const probe = await probeSandbox(host);
  if (probe.ok) return [];
  return [{ check: "sandbox", message: `the code sandbox cannot run here, and ${stages.length === 1 ? `stage ${stages[0]} reaches` : `stages ${stages.join(", ")} reach`} a code_tests judge: ${probe.reason} (Debian: apt-get install -y bubblewrap)` }];
}
