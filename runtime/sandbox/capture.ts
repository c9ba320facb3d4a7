/**
 * Bounded capture of one output stream. A hostile program can write gigabytes; we keep the
 * first `headBytes` and the last `tailBytes` and only count the rest, so memory stays flat
 * however much is drained. The tail matters because Python prints its traceback last.
 */
export class BoundedCapture {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  /** Every byte seen, kept or not. */
  total = 0;

  constructor(
    private readonly headBytes: number,
    private readonly tailBytes: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headSize < this.headBytes) {
      const take = Math.min(this.headBytes - this.headSize, rest.length);
      // Copy: the stream may reuse its buffer, and a small slice would pin a large one.
      this.head.push(Buffer.from(rest.subarray(0, take)));
      this.headSize += take;
      rest = rest.subarray(take);
    }
    if (rest.length > 0 && this.tailBytes > 0) this.pushTail(rest);
  }

  get truncated(): boolean {
    return this.total > this.headSize + this.tailSize;
  }

  /** The kept text: the head, and when bytes were dropped a marker line and the tail. */
  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    if (this.tailSize === 0) return head;
    const tail = Buffer.concat(this.tail).toString("utf8");
    const omitted = this.total - this.headSize - this.tailSize;
    return omitted === 0 ? head + tail : `${head}\n[... ${omitted} bytes omitted ...]\n${tail}`;
  }

  /** The last bytes seen (from the tail, else from the head), for classifying the exit. */
  lastText(maxBytes: number): string {
    const all = Buffer.concat(this.tailSize > 0 ? this.tail : this.head);
    return all.subarray(Math.max(0, all.length - maxBytes)).toString("utf8");
  }

  private pushTail(chunk: Buffer): void {
    const piece = chunk.length > this.tailBytes ? chunk.subarray(chunk.length - this.tailBytes) : chunk;
    this.tail.push(Buffer.from(piece));
    this.tailSize += piece.length;
    while (this.tailSize > this.tailBytes) {
      const first = this.tail[0]!;
      const excess = this.tailSize - this.tailBytes;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailSize -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailSize -= excess;
      }
    }
  }
}
