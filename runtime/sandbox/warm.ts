/**
 * Sandboxes started ahead of need for one kind of run (same program, files, limits): each is
 * up to where its program reads stdin, and takes exactly one job, then is torn down like any
 * run. This takes bwrap's and the interpreter's start off a request's latency, not off the
 * CPU: on a saturated machine it does not raise throughput (docs/judges/code_tests.md,
 * "Performance"). Bounded: at most `size` wait at once, each at most `idleMs` (then it is
 * discarded, and the set refills only when a run asks again), and every one dies with this
 * process (bwrap's `--die-with-parent`).
 */
import { runSandboxed, startSandboxed, type StartedSandbox } from "./sandbox.js";
import type { SandboxHostOptions, SandboxRequest, SandboxResult } from "./types.js";

export interface WarmOptions {
  /** Sandboxes waiting at most at once (1 to 64). */
  readonly size: number;
  /** How long one may wait for its job before it is discarded; default 60 s. */
  readonly idleMs?: number;
  readonly host?: SandboxHostOptions;
}

export const DEFAULT_WARM_IDLE_MS = 60_000;

interface Waiting {
  readonly sandbox: StartedSandbox;
  readonly expiry: NodeJS.Timeout;
}

export class WarmSandboxes {
  private readonly waiting: Waiting[] = [];
  private readonly stopping = new Set<Promise<void>>();
  private starting = 0;
  private closed = false;
  private readonly size: number;
  private readonly idleMs: number;
  private readonly host: SandboxHostOptions;

  /** `template`: the run without its stdin (and signal), bwrap mode. */
  constructor(
    private readonly template: SandboxRequest,
    options: WarmOptions,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1 || options.size > 64) throw new Error(`warm sandboxes: size must be an integer from 1 to 64, got ${options.size}`);
    if (template.mode === "none") throw new Error("warm sandboxes: only bwrap sandboxes start ahead (mode none)");
    this.size = options.size;
    this.idleMs = options.idleMs ?? DEFAULT_WARM_IDLE_MS;
    this.host = options.host ?? {};
  }

  /** Sandboxes up and waiting now. */
  get ready(): number {
    return this.waiting.length;
  }

  /** Run with this stdin in a sandbox that is waiting, else in a fresh one; then refill. */
  async run(stdin: string | Uint8Array, signal?: AbortSignal): Promise<SandboxResult> {
    if (this.closed) throw new Error("warm sandboxes: run after close");
    const sandbox = this.take();
    this.fill();
    if (sandbox !== undefined) return sandbox.run(stdin, signal);
    return runSandboxed({ ...this.template, stdin, ...(signal !== undefined ? { signal } : {}) }, this.host);
  }

  /** Start sandboxes until `size` are waiting or starting. */
  fill(): void {
    while (!this.closed && this.waiting.length + this.starting < this.size) {
      this.starting += 1;
      void startSandboxed(this.template, this.host).then((started) => {
        this.starting -= 1;
        // A sandbox that cannot start is left to the next run, which runs (and reports) it cold.
        if ("run" in started) this.keep(started);
      });
    }
  }

  /** Discard every waiting sandbox and start no more; resolves once none is left on the host. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.waiting.splice(0)) this.discard(entry);
    while (this.starting > 0 || this.stopping.size > 0) await Promise.all([...this.stopping, new Promise((r) => setTimeout(r, 5))]);
  }

  private keep(sandbox: StartedSandbox): void {
    const entry: Waiting = {
      sandbox,
      expiry: setTimeout(() => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        this.discard(entry);
      }, this.idleMs).unref(),
    };
    if (this.closed) this.discard(entry);
    else this.waiting.push(entry);
  }

  private discard(entry: Waiting): void {
    clearTimeout(entry.expiry);
    const stopped = entry.sandbox.discard().finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }

  /** The oldest sandbox still waiting (one that ended on its own is discarded). */
  private take(): StartedSandbox | undefined {
    for (let entry = this.waiting.shift(); entry !== undefined; entry = this.waiting.shift()) {
      clearTimeout(entry.expiry);
      if (entry.sandbox.waiting) return entry.sandbox;
      this.discard(entry);
    }
    return undefined;
  }
}
