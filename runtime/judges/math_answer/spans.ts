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
  let i = 0;
  while (i < text.length) {
    const next = nextOpener(text, i);
    if (next === -1) break;
    const span = spanAt(text, next);
    if (span === null) {
      i = next + 1;
      continue;
    }
    if (span.text.trim() !== "") spans.push(span);
    if (spans.length > MAX_SPANS) spans.shift();
    i = span.end;
  }
  return spans;
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

function spanAt(text: string, at: number): Span | null {
  if (text.startsWith("$$", at)) return closed(text, at, 2, "$$");
  if (text.startsWith("\\(", at)) return closed(text, at, 2, "\\)");
  if (text.startsWith("\\[", at)) return closed(text, at, 2, "\\]");
  return singleDollar(text, at);
}

function closed(text: string, at: number, open: number, closer: string): Span | null {
  const end = text.indexOf(closer, at + open);
  if (end === -1) return null;
  return { start: at, end: end + closer.length, text: text.slice(at + open, end) };
}

/** Inline math longer than this is not one span (and the cap keeps the scan linear). */
const MAX_INLINE_CHARS = 2048;

function singleDollar(text: string, at: number): Span | null {
  if (/\s/.test(text[at + 1] ?? " ")) return null;
  const limit = Math.min(text.length, at + MAX_INLINE_CHARS);
  for (let i = at + 1; i < limit; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "\n" && text[i + 1] === "\n") return null; // a paragraph break ends inline math
    if (ch !== "$") continue;
    if (/\s/.test(text[i - 1] ?? " ") || /\d/.test(text[i + 1] ?? "")) continue;
    return { start: at, end: i + 1, text: text.slice(at + 1, i) };
  }
  return null;
}
