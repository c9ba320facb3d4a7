/**
 * Word counting as IFEval's `count_words` does it: nltk's `RegexpTokenizer(r"\w+")`, i.e. the
 * number of maximal runs of Python `\w` characters (letters, numbers, underscore). So
 * "state-of-the-art" is four words, "don't" two, "3.5" two, and combining marks (which `\w`
 * excludes, in Python as here) split Devanagari words the same way in both.
 *
 * A hand-written scan rather than a global regex: no allocation per word, and an ASCII table
 * for the common case.
 */

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_WORD[c] = /[A-Za-z0-9_]/.test(ch) ? 1 : 0;
}

/** Sticky so that `test` looks at exactly one code point at `lastIndex`. */
const UNICODE_WORD = /[\p{L}\p{N}]/uy;

function isWordAt(text: string, i: number, c: number): boolean {
  if (c < 128) return ASCII_WORD[c] === 1;
  UNICODE_WORD.lastIndex = i;
  return UNICODE_WORD.test(text);
}

/** Number of `\w+` runs in `text`. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A low surrogate belongs to the code point tested at the preceding high surrogate.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) continue;
    const word = isWordAt(text, i, c);
    if (word && !inWord) count++;
    inWord = word;
  }
  return count;
}
