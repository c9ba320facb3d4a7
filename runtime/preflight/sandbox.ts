/** A code-executing judge needs the bubblewrap sandbox; it never runs code without it. */
import { probeSandbox } from "../sandbox/index.js";
import type { PreflightProblem } from "./types.js";

export async function checkSandbox(stages: readonly string[]): Promise<PreflightProblem[]> {
  if (stages.length === 0) return [];
  const probe = await probeSandbox();
  if (probe.ok) return [];
  return [{ check: "sandbox", message: `the code sandbox cannot run here, and stage ${stages.join(", ")} uses a code_tests judge: ${probe.reason} (Debian: apt-get install -y bubblewrap)` }];
}
