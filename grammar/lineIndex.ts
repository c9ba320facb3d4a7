import type { Span } from "./span.js";

/**
 * Maps UTF-16 offsets to 1-based line and column and back. Line breaks are `\n`, `\r\n` and a
 * lone `\r`, exactly as the lexer counts them, so positions agree with token spans. Built once
 * per text in O(n); each lookup is a binary search.
 */
export class LineIndex {
  /** Offset of the first character of each line; `lineStarts[0]` is 0. */
  readonly lineStarts: readonly number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of `offset` (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo]! + 1 };
  }

  /** Offset of a 1-based line and column (clamped into the text). */
  offset(line: number, column: number): number {
    const start = this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))]!;
    return Math.min(start + Math.max(0, column - 1), this.text.length);
  }

  /** A span of `length` code units at `offset`. */
  span(file: string, offset: number, length: number): Span {
    const { line, column } = this.position(offset);
    return { file, offset, length, line, column };
  }
}
