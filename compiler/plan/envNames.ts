/**
 * The environment variables a plan reads: every `env("NAME")` of the recipe, which the plan holds
 * as `{ "env": "NAME" }`. Secrets come from the environment, so these names are what a launch
 * target must provide (from a Kubernetes Secret, SkyPilot's `--secret`, the submitting shell).
 */

/** Every environment variable name the plan reads, sorted and without repeats. */
export function envNames(plan: unknown): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 1 && entries[0]?.[0] === "env" && typeof entries[0][1] === "string") names.add(entries[0][1]);
      else for (const [, v] of entries) walk(v);
    }
  };
  walk(plan);
  return [...names].sort();
}
