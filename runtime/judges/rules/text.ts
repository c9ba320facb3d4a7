/**
 * Small text helpers shared by the rule judges: detail clipping and allocation-free counting.
 * Counting runs on every verdict, so it walks char codes instead of splitting strings.
 */

/** Details are for humans and logs: keep them short so a hostile response cannot bloat them. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A clipped, quoted rendering for verdict details. */
export function quote(text: string, max = 80): string {
  return JSON.stringify(clip(text, max));
}

/** Unicode code points (a surrogate pair is one character, as a user would count it). */
export function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** The characters JavaScript's `\s` matches, without the regex engine. */
export function isWhitespace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Whitespace-separated words (scripts written without spaces count as one word per run). */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhitespace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
