/**
 * The bounds of a code_tests judge's limits: one definition for `align check` (rule
 * CodeTestsLimits) and for the judge the server builds (runtime/judges/code_tests/config.ts).
 */
export const CODE_TESTS_BOUNDS = {
  /** Seconds; above zero, at most an hour (a run holds a sandbox slot the whole time). */
  timeout: { min: 0, minExclusive: true, max: 3600 },
  /** Bytes; below 32 MiB the interpreter itself does not start. */
  memory: { min: 32 * 1024 * 1024, minExclusive: false, max: Number.MAX_SAFE_INTEGER },
  /** Processes and threads. */
  processes: { min: 1, minExclusive: false, max: 4096 },
} as const;

export type CodeTestsBounded = keyof typeof CODE_TESTS_BOUNDS;

/** Why `value` is outside the bounds of `field`, or null when it is inside. */
export function codeTestsLimitProblem(field: CodeTestsBounded, value: number): string | null {
  const { min, minExclusive, max } = CODE_TESTS_BOUNDS[field];
  if (minExclusive ? value <= min : value < min) return `must be ${minExclusive ? "more than" : "at least"} ${min}`;
  if (value > max) return `must be at most ${max}`;
  return null;
}
