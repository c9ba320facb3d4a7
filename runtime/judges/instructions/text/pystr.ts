/**
 * Python string semantics the IFEval checks depend on, written for JavaScript strings.
 *
 * IFEval is defined by Python code: `str.strip()`, `str.split()`, `str.isupper()`, `re`'s `\s`,
 * `\w` and `\b` all differ from their JavaScript namesakes at the margins (which characters are
 * whitespace, whether `\b` knows about non-ASCII letters). Everything here is linear in the
 * input: responses are hostile, and a backtracking regex on a 100 KB response must not stall a
 * judge worker.
 */

/**
 * The characters Python's `str.isspace()` accepts, as the body of a regex character class.
 * Unlike JavaScript's `\s` it includes U+001C..U+001F and U+0085 and excludes U+FEFF.
 */
export const PY_WS_CLASS =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/** Python's `\s` (Unicode) as a regex fragment. */
export const PY_S = `[${PY_WS_CLASS}]`;

/** Python's `\w` for `str` patterns: alphanumerics (letters and numbers) and the underscore. */
export const PY_W = "[\\p{L}\\p{N}_]";

/** Whether the UTF-16 code unit `c` is Python whitespace (all of them are in the BMP). */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Python's `s.strip(chars)`, `s.lstrip(chars)` and `s.rstrip(chars)` for a set of BMP chars. */
export function pyStripChars(s: string, chars: string, side: "both" | "left" | "right" = "both"): string {
  let start = 0;
  let end = s.length;
  if (side !== "right") while (start < end && chars.includes(s.charAt(start))) start++;
  if (side !== "left") while (end > start && chars.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Python's `s.split()` (no argument): runs of whitespace separate, no empty fields. */
export function pySplitWhitespace(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isPyWhitespace(s.charCodeAt(i))) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Python's `s.isspace() or not s`, i.e. `not s.strip()`: nothing but whitespace. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isPyWhitespace(s.charCodeAt(i))) return false;
  return true;
}

const HAS_LOWER_OR_TITLE = /[\p{Lowercase}\p{Lt}]/u;
const HAS_UPPER_OR_TITLE = /[\p{Uppercase}\p{Lt}]/u;
const HAS_UPPER = /\p{Uppercase}/u;
const HAS_LOWER = /\p{Lowercase}/u;

/** Python's `s.isupper()`: at least one cased character and no lowercase or titlecase one. */
export function isUpper(s: string): boolean {
  return !HAS_LOWER_OR_TITLE.test(s) && HAS_UPPER.test(s);
}

/** Python's `s.islower()`: at least one cased character and no uppercase or titlecase one. */
export function isLower(s: string): boolean {
  return !HAS_UPPER_OR_TITLE.test(s) && HAS_LOWER.test(s);
}

/** Escape `s` for literal use inside a RegExp (with or without the `u` flag). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Whether the first code point of `s` is a Python `\w` character. */
export function startsWithWordChar(s: string): boolean {
  const cp = s.codePointAt(0);
  return cp !== undefined && WORD_CHAR.test(String.fromCodePoint(cp));
}

/** Whether the last code point of `s` is a Python `\w` character. */
export function endsWithWordChar(s: string): boolean {
  if (s.length === 0) return false;
  const last = s.codePointAt(s.length - 1);
  const cp = last !== undefined && last >= 0xdc00 && last <= 0xdfff && s.length >= 2
    ? s.codePointAt(s.length - 2)
    : last;
  return cp !== undefined && WORD_CHAR.test(String.fromCodePoint(cp));
}

/**
 * A case-insensitive RegExp for Python's `\bWORD\b` with `word` taken literally. JavaScript's
 * `\b` only knows ASCII word characters, so the boundaries are written as lookarounds with the
 * exact Python meaning: `\b` before a word character needs a non-word character (or the start)
 * before it, and `\b` before a non-word character needs a word character before it.
 */
export function pyWordBoundaryPattern(word: string): RegExp {
  const before = startsWithWordChar(word) ? `(?<!${PY_W})` : `(?<=${PY_W})`;
  const after = endsWithWordChar(word) ? `(?!${PY_W})` : `(?=${PY_W})`;
  return new RegExp(`${before}${escapeRegExp(word)}${after}`, "iu");
}

/** Count of non-overlapping occurrences of `needle` (non-empty) in `haystack`. */
export function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  let at = haystack.indexOf(needle);
  while (at >= 0) {
    n++;
    at = haystack.indexOf(needle, at + needle.length);
  }
  return n;
}

/** Count of a global regex's matches; the regex is shared, so its state is reset first. */
export function countMatches(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s) !== null) n++;
  re.lastIndex = 0;
  return n;
}
