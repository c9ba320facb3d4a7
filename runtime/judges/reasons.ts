/** `api_key_missing 40, timeout 2`: the most frequent verdict reasons first, ties by name. */
export function topReasons(reasons: Readonly<Record<string, number>>, keep = 3): string {
  return Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, keep)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
}
