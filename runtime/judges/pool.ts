/**
 * A bounded pool: at most `size` tasks run at once, the rest wait in FIFO order. Shared by the
 * MoJ (one pool per lane, server-wide, so the bound holds across concurrent batches) and by
 * the LLM judge (its per-judge `concurrency`).
 */
export class Pool {
  private active = 0;
  private peak = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`pool size must be a positive integer, got ${size}`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The most tasks that ever ran at once (tests assert the bound with it). */
  get maxObserved(): number {
    return this.peak;
  }

  async run<T>(task: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /**
   * Like run(), but when a slot is free the task starts at once and a synchronous result comes
   * back synchronously: rule judges then cost no promise at all, and the bound still holds
   * because the slot is held until an asynchronous result settles.
   */
  runEager<T>(task: () => T | Promise<T>): T | Promise<T> {
    if (this.active >= this.size) return this.run(task);
    this.take();
    let result: T | Promise<T>;
    try {
      result = task();
    } catch (error) {
      this.release();
      throw error;
    }
    if (!isThenable(result)) {
      this.release();
      return result;
    }
    return Promise.resolve(result).finally(() => this.release());
  }

  private acquire(): Promise<void> {
    if (this.active < this.size) {
      this.take();
      return Promise.resolve();
    }
    // The slot is handed over by release(), so a waiter never races a newcomer for it.
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private take(): void {
    this.active += 1;
    if (this.active > this.peak) this.peak = this.active;
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.active -= 1;
      return;
    }
    next();
  }
}

export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
