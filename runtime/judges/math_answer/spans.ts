/**
 * Math spans in a response: `$…$`, `$$…$$`, `\(…\)` and `\[…\]`, left to right. A single `$`
 * follows pandoc's rule (the opener has no space after it, the closer no space before it and
 * no digit after it), so prices such as "$5 and $10" are not read as a span; `\$` is a dollar
 * sign. Linear in the text; the number of spans kept is bounded.
 */

export interface Span {
  /** Offsets of the whole span, delimiters included. */
  readonly start: number;
  readonly end: number;
  /** The content, without delimiters. */
  readonly text: string;
}

/** Only the last spans matter (answers come at the end): earlier ones are dropped. */
const MAX_SPANS = 256;

export function mathSpans(text: string): Span[] {
  const spans: Span[] = [];
  const next = new NextFinder(text);
  let i = 0;
  while (i < text.length) {
    const opener = nextOpener(text, i);
    if (opener === -1) break;
    const span = spanAt(text, opener, next);
    if (span === null) {
      i = opener + 1;
      continue;
    }
    if (span.text.trim() !== "") spans.push(span);
    if (spans.length > MAX_SPANS) spans.shift();
    i = span.end;
  }
  return spans;
}

/**
 * "Where is the next X at or after `from`?", memoised per X: openers are visited left to
 * right, so a search is reused while `from` has not passed its answer, and the whole scan stays
 * linear even when thousands of openers share one missing closer (`\(` repeated).
 */
class NextFinder {
  private readonly memo = new Map<string, { from: number; at: number }>();
  constructor(private readonly text: string) {}

  find(key: string, from: number, search: (from: number) => number): number {
    const hit = this.memo.get(key);
    if (hit !== undefined && hit.from <= from && (hit.at === -1 || hit.at >= from)) return hit.at;
    const at = search(from);
    this.memo.set(key, { from, at });
    return at;
  }

  indexOf(needle: string, from: number): number {
    return this.find(needle, from, (start) => this.text.indexOf(needle, start));
  }
}

function nextOpener(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === "$") return i;
    if (ch === "\\") {
      const after = text[i + 1];
      if (after === "(" || after === "[") return i;
      i++; // `\$` and other escapes are not openers
    }
  }
  return -1;
}

function spanAt(text: string, at: number, next: NextFinder): Span | null {
  if (text.startsWith("$$", at)) return closed(text, at, "$$", next);
  if (text.startsWith("\\(", at)) return closed(text, at, "\\)", next);
  if (text.startsWith("\\[", at)) return closed(text, at, "\\]", next);
  return singleDollar(text, at, next);
}

function closed(text: string, at: number, closer: string, next: NextFinder): Span | null {
  const end = next.indexOf(closer, at + 2);
  if (end === -1) return null;
  return { start: at, end: end + closer.length, text: text.slice(at + 2, end) };
}

/** Inline math longer than this is not one span. */
const MAX_INLINE_CHARS = 2048;

function singleDollar(text: string, at: number, next: NextFinder): Span | null {
  if (/\s/.test(text[at + 1] ?? " ")) return null;
  const close = next.find("$closer", at + 1, (from) => validCloser(text, from));
  if (close === -1 || close - at > MAX_INLINE_CHARS) return null;
  // A paragraph break ends inline math.
  const paragraph = next.indexOf("\n\n", at + 1);
  if (paragraph !== -1 && paragraph < close) return null;
  return { start: at, end: close + 1, text: text.slice(at + 1, close) };
}

/** The next `$` that may close inline math: not escaped, no space before it, no digit after. */
function validCloser(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "$" && !/\s/.test(text[i - 1] ?? " ") && !/\d/.test(text[i + 1] ?? "")) return i;
  }
  return -1;
}
