import type { Comment } from "../../grammar/ast.js";
import type { LineIndex } from "../../grammar/lineIndex.js";

/**
 * Hands out a document's comments in source order while the printer walks the AST, so every
 * comment is printed exactly once: as a leading line before the node that follows it, as a
 * trailing `# ...` on the line where the node before it ends, or before the closing
 * delimiter of the block or list it sits in.
 */
export class CommentCursor {
  private next = 0;

  constructor(
    private readonly comments: readonly Comment[],
    private readonly lines: LineIndex,
    private readonly text: string,
  ) {}

  /** Whether any comment lies in [start, end). */
  anyWithin(start: number, end: number): boolean {
    // Comments before `next` are printed already and lie before any range asked about later.
    for (let i = this.next; i < this.comments.length; i++) {
      const at = this.comments[i]!.span.offset;
      if (at >= end) return false;
      if (at >= start) return true;
    }
    return false;
  }

  /** Takes every comment that starts before `offset`. */
  takeBefore(offset: number): Comment[] {
    const out: Comment[] = [];
    while (this.next < this.comments.length && this.comments[this.next]!.span.offset < offset) {
      out.push(this.comments[this.next++]!);
    }
    return out;
  }

  /**
   * Takes the comment that trails the source line where `end` (an exclusive end offset) is,
   * if it starts before `limit` (where the next node or the closing delimiter starts).
   */
  takeTrailing(end: number, limit: number): Comment | undefined {
    const comment = this.comments[this.next];
    if (comment === undefined || comment.span.offset >= limit || comment.span.offset < end) return undefined;
    if (comment.span.line !== this.lines.position(Math.max(0, end - 1)).line) return undefined;
    this.next++;
    return comment;
  }

  /** Whether the source has an empty line between `from` and `to`. */
  blankLineBetween(from: number, to: number): boolean {
    let breaks = 0;
    for (let i = from; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && this.text.charCodeAt(i + 1) === 10) i++;
        if (++breaks === 2) return true;
      } else if (c !== 32 && c !== 9) {
        breaks = 0;
      }
    }
    return false;
  }

  /** Offset of the first `ch` at or after `from`, skipping whitespace and comments. */
  findToken(from: number, ch: string): number {
    for (let i = from; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === ch) return i;
      if (c === "#") {
        while (i < this.text.length && this.text[i] !== "\n" && this.text[i] !== "\r") i++;
      }
    }
    return from;
  }
}

export function commentText(comment: Comment): string {
  return `#${comment.text.trimEnd()}`;
}
