/**
 * Brace matching for LaTeX arguments. Iterative (a hostile response can nest braces thousands
 * deep) and aware of escaped braces `\{ \}`, which are literal set braces, not grouping.
 */

/** Index of the `}` that closes the `{` at `open`, or -1 when it is never closed. */
export function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \ */) {
      i++;
    } else if (ch === 123 /* { */) {
      depth++;
    } else if (ch === 125 /* } */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The deepest nesting of (), [] and {} in `text`; escaped braces count too. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40 || ch === 91 || ch === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 41 || ch === 93 || ch === 125) {
      depth--;
    }
  }
  return max;
}

/**
 * Reads one LaTeX argument starting at `start` (spaces skipped): a `{...}` group, a single
 * `\command`, or a single character (`\frac12`). Returns its content and the index after it.
 */
export function readArgument(text: string, start: number): { content: string; end: number } | null {
  let i = start;
  while (text[i] === " ") i++;
  if (i >= text.length) return null;
  if (text[i] === "{") {
    const close = matchBrace(text, i);
    return close === -1 ? null : { content: text.slice(i + 1, close), end: close + 1 };
  }
  if (text[i] === "\\") {
    const m = /^\\[a-zA-Z]+/.exec(text.slice(i, i + 32));
    if (m) return { content: m[0], end: i + m[0].length };
  }
  const ch = text[i];
  if (ch === undefined || ch === "}" || ch === "^" || ch === "_") return null;
  return { content: ch, end: i + 1 };
}
