/**
 * A bounded pool of sandboxes: at most `concurrency` programs run at once, the rest wait in
 * FIFO order. Code execution gets its own pool (separate from the rule and LLM judges) so a
 * batch of slow programs cannot starve the cheap judges, and so the host is not overloaded.
 */
import { availableParallelism } from "node:os";
import { runSandboxed } from "./sandbox.js";
import type { SandboxHostOptions, SandboxRequest, SandboxResult, SandboxStatus } from "./types.js";

export interface SandboxPoolOptions {
  /** Programs running at once; default: the number of CPUs. */
  readonly concurrency?: number;
  readonly host?: SandboxHostOptions;
}

interface Waiter {
  readonly start: () => void;
  readonly cancel: () => void;
}

export type SandboxPoolStats = Readonly<Record<SandboxStatus, number>>;

function emptyStats(): Record<SandboxStatus, number> {
  return { ok: 0, timeout: 0, memory_limit: 0, output_limit: 0, killed: 0, sandbox_error: 0, sandbox_unavailable: 0 };
}

function cancelledResult(): SandboxResult {
  return { status: "killed", exitCode: null, signal: null, stdout: "", stderr: "", report: "", wallMs: 0, truncated: false, error: "cancelled while queued" };
}

export class SandboxPool {
  readonly concurrency: number;
  /** Host settings every run of this pool uses. */
  readonly host: SandboxHostOptions;
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly counts = emptyStats();

  constructor(options: SandboxPoolOptions = {}) {
    const concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`sandbox pool concurrency must be a positive integer, got ${concurrency}`);
    this.concurrency = concurrency;
    this.host = options.host ?? {};
  }

  /** Programs running now. */
  get active(): number {
    return this.running;
  }

  /** Programs waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  /** Finished runs by status since the pool was made (for the server's metrics). */
  stats(): SandboxPoolStats {
    return { ...this.counts };
  }

  async run(request: SandboxRequest): Promise<SandboxResult> {
    return this.runWith(() => runSandboxed(request, this.host), request.signal);
  }

  /** Run `job` (a sandbox run, e.g. in a started one: warm.ts) once a slot is free. */
  async runWith(job: () => Promise<SandboxResult>, signal?: AbortSignal): Promise<SandboxResult> {
    if (!(await this.acquire(signal))) return this.count(cancelledResult());
    try {
      return this.count(await job());
    } finally {
      this.release();
    }
  }

  private count(result: SandboxResult): SandboxResult {
    this.counts[result.status] += 1;
    return result;
  }

  /** Resolves true with a slot held, or false if the signal aborted while waiting. */
  private acquire(signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => waiter.cancel();
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(true);
        },
        cancel: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          resolve(false);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Hand the slot straight to the next waiter, or free it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.running -= 1;
  }
}
