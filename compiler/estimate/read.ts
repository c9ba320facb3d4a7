/** Guarded reads of plan values: the estimator must never throw on a partial plan. */

export type Obj = Readonly<Record<string, unknown>>;

export function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function num(object: Obj | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function str(object: Obj | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === "string" ? value : undefined;
}

export function list(object: Obj | undefined, key: string): readonly unknown[] {
  const value = object?.[key];
  return Array.isArray(value) ? value : [];
}

/** The name inside a reference object such as `{"model": "policy"}`. */
export function refName(value: unknown, kind: string): string | undefined {
  return str(asObj(value), kind);
}
