import type { Fix } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import { synonymFor } from "./synonyms.js";

/**
 * "Did you mean": the candidates closest to a misspelt name. Distance is optimal string
 * alignment (Damerau-Levenshtein with adjacent transpositions, the commonest typo), and a
 * candidate is only offered within a bound relative to the name's length, so short names do
 * not attract arbitrary suggestions.
 */

/** Optimal string alignment distance; a case-only difference costs less than one edit. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const cur = [i];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      cur.push(d);
    }
    prevPrev = prev;
    prev = cur;
  }
  return prev[cols - 1]!;
}

/** The largest distance accepted for a name of this length. */
function threshold(name: string): number {
  return Math.max(1, Math.floor(name.length * 0.4));
}

/** Up to `limit` candidates within the threshold, closest first (ties by name). */
export function suggestions(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const scored: { candidate: string; distance: number }[] = [];
  const lower = name.toLowerCase();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate === name || seen.has(candidate)) continue;
    seen.add(candidate);
    const distance = candidate.toLowerCase() === lower ? 0.5 : editDistance(lower, candidate.toLowerCase());
    if (distance <= threshold(name)) scored.push({ candidate, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0));
  // Only the closest ones: a clear winner is shown alone, ties are shown together.
  const best = scored[0]?.distance;
  return scored.filter((s) => s.distance === best).slice(0, limit).map((s) => s.candidate);
}

/** "did you mean `a`?" or "did you mean `a`, `b` or `c`?"; undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  return phrase(suggestions(name, candidates));
}

function phrase(best: readonly string[]): string | undefined {
  if (best.length === 0) return undefined;
  const quoted = best.map((s) => `\`${s}\``);
  const list = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]!}`;
  return `did you mean ${list}?`;
}

/**
 * `help` and a fix-it replacing the misspelt name with the best suggestion (or nothing). A word
 * from another tool (`learning_rate`, `grpo`, `bfloat16`) is answered from the synonym table
 * first, with how the concepts differ when they do.
 */
export function suggestionFix(id: { readonly name: string; readonly span: Span }, candidates: Iterable<string>): { help?: string; fix?: Fix } {
  const list = [...candidates];
  const synonym = synonymFor(id.name, list);
  if (synonym !== undefined) {
    const help = `did you mean \`${synonym.target}\`?${synonym.why === undefined ? "" : ` (${synonym.why})`}`;
    return { help, fix: { title: `replace \`${id.name}\` with \`${synonym.target}\``, edits: [{ span: id.span, newText: synonym.target }] } };
  }
  let best = suggestions(id.name, list);
  // `h100` for `h100_80gb`: a unique candidate the name begins (a size or version left off).
  if (best.length === 0 && id.name.length >= 3) {
    const prefixed = list.filter((c) => c.toLowerCase().startsWith(`${id.name.toLowerCase()}_`));
    if (prefixed.length === 1) best = prefixed;
  }
  if (best.length === 0) return {};
  const help = phrase(best)!;
  const first = best[0]!;
  return { help, fix: { title: `replace \`${id.name}\` with \`${first}\``, edits: [{ span: id.span, newText: first }] } };
}
