/** "Did you mean" for instruction ids, argument names and enumerated argument values. */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

/**
 * The candidate closest to `input` (case-insensitive), if it is close enough to be a typo:
 * at most `limit` edits, by default a third of the input's length (at least one).
 */
export function didYouMean(input: string, candidates: Iterable<string>, limit?: number): string | undefined {
  const needle = input.toLowerCase();
  limit ??= Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(needle, candidate.toLowerCase());
    if (d < bestDistance && d <= limit) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** ` (did you mean "x"?)`, or nothing. */
export function suggestion(input: string, candidates: Iterable<string>, limit?: number): string {
  const hit = didYouMean(input, candidates, limit);
  return hit === undefined ? "" : ` (did you mean ${JSON.stringify(hit)}?)`;
}
