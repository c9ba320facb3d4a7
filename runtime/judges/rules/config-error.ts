/**
 * Configuration errors raised when a judge is created. The compiler validates the plan
 * first, so these mostly catch hand-written plans and programmatic use; the message names
 * the judge, its variant and the field (`judge tone (regex): pattern: ...`), as the other
 * judge libraries do, so a user can find the line to fix.
 */

/** Which judge is being configured: every message starts with it. */
export interface ConfigSite {
  readonly judge: string;
  readonly variant: string;
}

export class JudgeConfigError extends Error {
  readonly judge: string;
  readonly variant: string;
  readonly field: string;

  constructor(site: ConfigSite, field: string, message: string) {
    super(`judge ${site.judge} (${site.variant}): ${field}: ${message}`);
    this.name = "JudgeConfigError";
    this.judge = site.judge;
    this.variant = site.variant;
    this.field = field;
  }
}

export function requireString(site: ConfigSite, field: string, value: unknown): string {
  if (typeof value !== "string") throw new JudgeConfigError(site, field, `expected a string, got ${describe(value)}`);
  return value;
}

export function requireBoolean(site: ConfigSite, field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new JudgeConfigError(site, field, `expected true or false, got ${describe(value)}`);
  return value;
}

export function requireEnum<T extends string>(site: ConfigSite, field: string, value: unknown, members: readonly T[]): T {
  if (typeof value === "string" && (members as readonly string[]).includes(value)) return value as T;
  throw new JudgeConfigError(site, field, `expected one of ${members.join(" | ")}, got ${describe(value)}`);
}

/** A non-negative integer or null (the plan writes absent optional values as null). */
export function optionalCount(site: ConfigSite, field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new JudgeConfigError(site, field, `expected a non-negative integer or null, got ${describe(value)}`);
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : String(value);
}
