/**
 * Secrets come from the environment (`env("NAME")` in a recipe, `{ "env": "NAME" }` in the plan).
 * Before the first stage starts, every name the plan reads must be set: one line names all the
 * missing ones, instead of a stage failing hours in. Values are never read into messages.
 */

// The compiler's checks need the same names (AL4100: a Kubernetes target reading secrets needs `secret`).
export { envNames } from "../../compiler/plan/envNames.js";

/** The names that are unset or empty in `env`. */
export function missingEnv(names: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  return names.filter((name) => (env[name] ?? "") === "");
}

/** The one line for missing variables, or undefined when every one is set. */
export function missingEnvLine(names: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  const missing = missingEnv(names, env);
  if (missing.length === 0) return undefined;
  const s = missing.length === 1 ? "" : "s";
  return `environment variable${s} not set: ${missing.join(", ")} (the recipe reads ${missing.length === 1 ? "it" : "them"} with env(...)); ` +
    "set them and run again; nothing was started";
}
