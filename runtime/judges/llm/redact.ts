/**
 * Removing a secret (an API key) from text we did not write: an endpoint's error body, a
 * network error. Not only the whole key: any run of text made of pieces of the key at least
 * `MIN_FRAGMENT` characters long (a key cut by a truncation, split over two lines, half
 * echoed) becomes `[redacted]`. Always redact before cutting text to length.
 */

/** Shorter pieces are too likely to occur by chance in ordinary text to be worth hiding. */
export const MIN_FRAGMENT = 6;
export const REDACTED = "[redacted]";

/** Every character of `text` covered by some `MIN_FRAGMENT`-long substring of `secret`. */
function coveredBySecret(text: string, secret: string): boolean[] {
  const pieces = new Set<string>();
  for (let i = 0; i + MIN_FRAGMENT <= secret.length; i++) pieces.add(secret.slice(i, i + MIN_FRAGMENT));
  const covered = new Array<boolean>(text.length).fill(false);
  for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
    if (pieces.has(text.slice(i, i + MIN_FRAGMENT))) covered.fill(true, i, i + MIN_FRAGMENT);
  }
  return covered;
}

/** `text` with the secret, and every fragment of it, replaced by `[redacted]`. */
export function redactSecret(text: string, secret: string | null | undefined): string {
  if (secret === null || secret === undefined || secret.length < MIN_FRAGMENT) {
    return secret ? text.split(secret).join(REDACTED) : text;
  }
  const covered = coveredBySecret(text, secret);
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += REDACTED;
  }
  return out;
}

/** Redact first, then cut to `max` characters (with an ellipsis): never the reverse. */
export function redactedSnippet(text: string, secret: string | null | undefined, max = 200): string {
  const flat = redactSecret(text, secret).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
