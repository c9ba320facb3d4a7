/**
 * A static check for the regex shapes that backtrack exponentially in V8's engine: a group
 * that contains a repeating quantifier and is itself repeated without bound, as in `(a+)+`,
 * `(\w+\s?)*` or `((ab)*c)+`. Responses are hostile input, so a recipe author's innocent
 * `(\w+\s?)+$` would let a model stall the judge server with a few dozen characters.
 *
 * This is the "star height > 1" rule of safe-regex-style linters: simple, predictable, and it
 * rejects some harmless patterns such as `(ab+)+` (rewrite them without the nesting). It does
 * not catch overlapping alternations such as `(a|a)*`; the input-length cap bounds those.
 */

interface Frame {
  readonly start: number;
  containsRepeat: boolean;
}

interface Atom {
  readonly start: number;
  readonly containsRepeat: boolean;
}

interface Quantifier {
  readonly length: number;
  /** Matches more than once (`*`, `+`, `{2}`, `{1,3}`): makes the enclosing group repeating. */
  readonly repeats: boolean;
  /** Unbounded or effectively so (`*`, `+`, `{n,}`, `{n,m}` with a wide range). */
  readonly unbounded: boolean;
}

/** Wider ranges than this behave like `*` for backtracking purposes. */
const WIDE_RANGE = 16;

/** Returns the offending fragment, e.g. `(a+)+`, or null when the pattern looks safe. */
export function findNestedQuantifier(pattern: string): string | null {
  const frames: Frame[] = [{ start: 0, containsRepeat: false }];
  let last: Atom | null = null;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "\\") {
      last = { start: i, containsRepeat: false };
      i = skipEscape(pattern, i);
    } else if (ch === "[") {
      last = { start: i, containsRepeat: false };
      i = skipClass(pattern, i);
    } else if (ch === "(") {
      frames.push({ start: i, containsRepeat: false });
      last = null;
      i = skipGroupPrefix(pattern, i + 1);
    } else if (ch === ")") {
      const frame = frames.length > 1 ? frames.pop() : undefined;
      const parent = frames[frames.length - 1];
      if (frame && parent) {
        parent.containsRepeat ||= frame.containsRepeat;
        last = { start: frame.start, containsRepeat: frame.containsRepeat };
      }
      i++;
    } else if (ch === "|") {
      last = null;
      i++;
    } else {
      const q = readQuantifier(pattern, i);
      if (q === null) {
        last = { start: i, containsRepeat: false };
        i++;
        continue;
      }
      const end = i + q.length + (pattern[i + q.length] === "?" ? 1 : 0);
      if (q.unbounded && last?.containsRepeat) return pattern.slice(last.start, end);
      const frame = frames[frames.length - 1];
      if (q.repeats && frame) frame.containsRepeat = true;
      // A quantified atom is still the same atom for the next quantifier (`a{2}*` is rare).
      i = end;
    }
  }
  return null;
}

function readQuantifier(pattern: string, i: number): Quantifier | null {
  const ch = pattern[i];
  if (ch === "*" || ch === "+") return { length: 1, repeats: true, unbounded: true };
  if (ch === "?") return { length: 1, repeats: false, unbounded: false };
  if (ch !== "{") return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
  return { length: m[0].length, repeats: max > 1, unbounded: max - min > WIDE_RANGE };
}

/** Skips `\x`, `\p{...}`, `\u{...}` and `\k<name>` as one atom. */
function skipEscape(pattern: string, i: number): number {
  const next = pattern[i + 1];
  if ((next === "p" || next === "P" || next === "u") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  if (next === "k" && pattern[i + 2] === "<") {
    const close = pattern.indexOf(">", i + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  return i + 2;
}

/** Skips a character class, including the nested classes the `v` flag allows. */
function skipClass(pattern: string, i: number): number {
  let depth = 0;
  for (let j = i; j < pattern.length; j++) {
    const ch = pattern[j];
    if (ch === "\\") j++;
    else if (ch === "[") depth++;
    else if (ch === "]" && --depth === 0) return j + 1;
  }
  return pattern.length;
}

/** Skips `?:`, `?=`, `?!`, `?<=`, `?<!` and `?<name>` after an opening parenthesis. */
function skipGroupPrefix(pattern: string, i: number): number {
  if (pattern[i] !== "?") return i;
  const next = pattern[i + 1];
  if (next === "<" && pattern[i + 2] !== "=" && pattern[i + 2] !== "!") {
    const close = pattern.indexOf(">", i + 2);
    return close === -1 ? pattern.length : close + 1;
  }
  if (next === "<") return i + 3;
  return i + 2;
}
