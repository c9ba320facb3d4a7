/** Every environment variable a running stage reaches through `env("NAME")` must be set. */
import type { EnvNeed } from "./needs.js";
import type { PreflightProblem } from "./types.js";

/** One problem per unset (or empty) variable; the value itself is never read into a message. */
export function checkEnvVars(needs: readonly EnvNeed[], env: Readonly<Record<string, string | undefined>>): PreflightProblem[] {
  return needs
    .filter((need) => (env[need.name] ?? "") === "")
    .map((need) => ({ check: "env", message: `${need.name} is not set (${need.by} reads env("${need.name}")); export it before align run` }));
}
