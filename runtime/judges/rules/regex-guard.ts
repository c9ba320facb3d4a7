/**
 * Process-wide protection against catastrophic regex backtracking, used by the regex judge.
 *
 * V8 can re-run a match on its linear-time engine once the backtracking engine has backtracked
 * too often. The limit counts per start position and defaults to 50,000, which still lets
 * `a*a*b` against 16,000 `a`s run for seconds (minutes to hours with no fallback at all: it is
 * O(n³)); at 1,000 it finishes in tens of milliseconds. Ordinary matches backtrack far less
 * and keep the fast engine, and the linear engine returns the same answer, so enabling this for
 * the whole process only changes how long a pathological match takes. The flags are set once,
 * before the judge compiles its pattern (V8 reads them when a regex is created).
 *
 * The linear engine does not handle every pattern: backreferences, lookaround, the `i`, `u` and
 * `v` flags, `\p{…}` and large counted repetitions keep plain backtracking. For those the regex
 * judge relies on the input cap and on rejecting nested quantifiers (see regex-safety.ts).
 */

import v8 from "node:v8";

const FLAGS = ["--enable-experimental-regexp-engine-on-excessive-backtracks", "--regexp-backtracks-before-fallback=1000"];

let enabled = false;

export function enableBacktrackFallback(): void {
  if (enabled) return;
  for (const flag of FLAGS) v8.setFlagsFromString(flag);
  enabled = true;
}
