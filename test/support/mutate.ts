/**
 * Seeded recipe mutation for the fuzz suites (grammar and whole compiler): tokens deleted,
 * duplicated, swapped, syntax pieces and random characters inserted, text cut short. Seeded,
 * so a failing case number reproduces.
 */

/** mulberry32: a small seeded generator, so every case is reproducible from its number. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["{", "}", "[", "]", "(", ")", "=", ",", ";", ".", '"', '"""', "#", "-", "\u0000", "\uFFFF", "😀", "\r", "\n", "\\", "10x", "1e", "import", "as", "true"];

export function mutate(source: string, random: () => number): string {
  const tokens = source.match(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|[A-Za-z_0-9.]+|\s+|#[^\n]*|./g) ?? [];
  const pick = (): number => Math.floor(random() * tokens.length);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const i = pick();
    switch (Math.floor(random() * 6)) {
      case 0:
        tokens.splice(i, 1);
        break;
      case 1:
        tokens.splice(i, 0, tokens[i] ?? "");
        break;
      case 2: {
        const j = pick();
        [tokens[i], tokens[j]] = [tokens[j] ?? "", tokens[i] ?? ""];
        break;
      }
      case 3:
        tokens.splice(i, 0, PIECES[Math.floor(random() * PIECES.length)]!);
        break;
      case 4:
        tokens.splice(i, 0, String.fromCharCode(Math.floor(random() * 0x3000)));
        break;
      default:
        tokens.length = Math.max(1, i);
    }
  }
  return tokens.join("");
}
