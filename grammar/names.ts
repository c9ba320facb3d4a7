/**
 * One string per distinct name in a text, found without cutting the name out of the text
 * again: the fast path's identifiers would otherwise each hold a string of their own, and a
 * file writes the same few dozen field and kind names over and over, all of them kept to the
 * end of the check. An open-addressing table keyed by a hash the scanner computes as it reads
 * the name's characters.
 */
export class NameTable {
  private hashes: Int32Array;
  private names: (string | undefined)[];
  private count = 0;

  /** `textLength`: a table for a longer text starts larger (a name takes a few characters at least). */
  constructor(textLength: number) {
    let size = 1024;
    while (size * 32 < textLength) size *= 2;
    this.hashes = new Int32Array(size);
    this.names = new Array<string | undefined>(size);
  }

  /** The hash `nameAt` expects, one character code at a time from `hashStart`. */
  static readonly hashStart = 0x811c9dc5 | 0;
  static hashStep(hash: number, code: number): number {
    return Math.imul(hash ^ code, 0x01000193);
  }

  /** The one string for `text.slice(start, end)`, whose characters hash to `hash`. */
  nameAt(text: string, start: number, end: number, hash: number): string {
    const mask = this.hashes.length - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const name = this.names[i];
      if (name === undefined) return this.add(i, text.slice(start, end), hash);
      if (this.hashes[i] === hash && name.length === length && sameText(name, text, start)) return name;
    }
  }

  private add(slot: number, name: string, hash: number): string {
    this.hashes[slot] = hash;
    this.names[slot] = name;
    if (++this.count * 2 > this.hashes.length) this.grow();
    return name;
  }

  private grow(): void {
    const { hashes, names } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.names = new Array<string | undefined>(hashes.length * 2);
    const mask = this.hashes.length - 1;
    for (let j = 0; j < names.length; j++) {
      const name = names[j];
      if (name === undefined) continue;
      let i = hashes[j]! & mask;
      while (this.names[i] !== undefined) i = (i + 1) & mask;
      this.hashes[i] = hashes[j]!;
      this.names[i] = name;
    }
  }
}

/** Whether `text` holds `name` at `start` (a loop: the names are short, and no call is cheaper). */
function sameText(name: string, text: string, start: number): boolean {
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  }
  return true;
}
