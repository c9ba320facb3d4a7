/**
 * Spawning one process and watching it: feeding stdin and the file pipes, draining every
 * output into bounded captures, and killing the whole tree on the wall-clock limit, on too
 * much output, or on cancellation. Used for bwrap itself and for the trusted `none` mode.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { BoundedCapture } from "./capture.js";
import type { KillReason } from "./classify.js";
import type { SandboxLimits } from "./types.js";

/** fd numbers in the spawned process (bwrap passes 0-3 on to the command unchanged). */
export const REPORT_FD = 3;
export const STATUS_FD = 4;
export const FIRST_FILE_FD = 5;

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly uid?: number;
  readonly gid?: number;
  /** Bytes on stdin; null: given later with `deliver` (a sandbox started ahead of its job). */
  readonly stdin: Buffer | null;
  /** Contents written to fds FIRST_FILE_FD, FIRST_FILE_FD + 1, ... (bwrap `--file`). */
  readonly fileData: readonly Buffer[];
  /** Open STATUS_FD as a pipe for bwrap's `--json-status-fd`. */
  readonly statusPipe: boolean;
  /**
   * A pipe the spawned process waits on (bwrap's `--block-fd`), opened by writing one byte once
   * `open` has done its work with the status seen so far (bwrap reports the sandbox's pid on
   * the status fd before it waits); `open` throwing kills the run (`setupError`).
   */
  readonly gate?: { readonly fd: number; readonly open: (spawnedPid: number, status: string) => void };
  /**
   * Kill the program from outside first (given what the status fd said so far); true when it
   * did. bwrap then sees its sandbox die, reaps it and exits by itself, so no zombie of the
   * sandbox is left for the host's init to reap; bwrap's process group is killed only if it
   * has not exited `STOP_GRACE_MS` later.
   */
  readonly stopSandbox?: (status: string) => boolean;
  /**
   * SIGKILL the process group once the run is over. Needed without bwrap, where children may
   * outlive the command; with bwrap the pid namespace is already gone and the group id could
   * in principle be reused, so we leave it alone.
   */
  readonly killGroupAtEnd: boolean;
}

export interface Supervised {
  readonly spawnError?: string;
  /** The gate's `open` failed: the program never ran. */
  readonly setupError?: string;
  readonly killedFor?: KillReason;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: BoundedCapture;
  readonly stderr: BoundedCapture;
  readonly report: BoundedCapture;
  readonly status: string;
  readonly wallMs: number;
}

/** After the spawned process exits, how long its pipes may stay open (a leftover child). */
const CLOSE_GRACE_MS = 1_000;
/** After the sandbox was killed from outside, how long bwrap has to exit on its own. */
const STOP_GRACE_MS = 500;

function stdioFor(spec: SpawnSpec): StdioOptions {
  const stdio: Array<"pipe" | "ignore"> = ["pipe", "pipe", "pipe", "pipe", spec.statusPipe ? "pipe" : "ignore"];
  for (let i = 0; i < spec.fileData.length; i++) stdio.push("pipe");
  if (spec.gate !== undefined) {
    while (stdio.length < spec.gate.fd) stdio.push("ignore");
    stdio[spec.gate.fd] = "pipe";
  }
  return stdio;
}

/** SIGKILL the process group (detached spawn makes the child its leader), then the child. */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
  child.kill("SIGKILL");
}

/** Write and close; a child that exits without reading gives EPIPE, which is not our error. */
function feed(stream: Writable | null | undefined, data: Buffer): void {
  if (!stream) return;
  stream.on("error", () => {});
  stream.end(data);
}

function spawnChild(spec: SpawnSpec): ChildProcess {
  return spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...spec.env },
    stdio: stdioFor(spec),
    detached: true,
    windowsHide: true,
    ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
    ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
  });
}

/** One spawned process from start to finish; resolves exactly once. */
class Supervision {
  private started = performance.now();
  private readonly stdout: BoundedCapture;
  private readonly stderr: BoundedCapture;
  private readonly report: BoundedCapture;
  private readonly status = new BoundedCapture(16 * 1024, 0);
  private killedFor: KillReason | undefined;
  private spawnError: string | undefined;
  private setupError: string | undefined;
  private gateOpened = false;
  private exit: { code: number | null; signal: string | null } = { code: null, signal: null };
  private outputTotal = 0;
  private wallTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private done = false;
  private signal: AbortSignal | undefined;
  private readonly onAbort = (): void => this.kill("abort");

  constructor(
    private readonly child: ChildProcess,
    private readonly spec: SpawnSpec,
    private readonly limits: SandboxLimits,
    private readonly resolve: (result: Supervised) => void,
  ) {
    this.stdout = new BoundedCapture(limits.captureBytes, limits.tailBytes);
    this.stderr = new BoundedCapture(limits.captureBytes, limits.tailBytes);
    this.report = new BoundedCapture(limits.captureBytes, limits.tailBytes);
  }

  /**
   * The job: stdin, and from now the wall clock and the cancellation signal. Until then a
   * started process holds no reference on the event loop (it waits for work, nothing waits
   * for it).
   */
  deliver(stdin: Buffer, signal: AbortSignal | undefined): void {
    if (this.done) return;
    this.started = performance.now();
    this.unpark();
    this.wallTimer = setTimeout(() => this.kill("timeout"), this.limits.wallMs);
    this.signal = signal;
    signal?.addEventListener("abort", this.onAbort, { once: true });
    if (signal?.aborted) this.kill("abort");
    feed(this.child.stdin, stdin);
  }

  /** Waiting for its job: the child and its pipes do not keep this process alive. */
  park(): void {
    this.child.unref();
    for (const stream of this.child.stdio) (stream as { unref?: () => void } | null)?.unref?.();
  }

  /** Whoever waits for the end (a run, a discard) keeps this process alive until it comes. */
  private unpark(): void {
    this.child.ref();
    for (const stream of this.child.stdio) (stream as { ref?: () => void } | null)?.ref?.();
  }

  stop(): void {
    if (this.done) return;
    this.unpark();
    this.kill("abort");
  }

  attach(): void {
    const { child, spec } = this;
    this.drain(child.stdout, this.stdout, true);
    this.drain(child.stderr, this.stderr, true);
    this.drain(child.stdio[REPORT_FD] as Readable | null, this.report, true);
    if (spec.statusPipe) this.drain(child.stdio[STATUS_FD] as Readable | null, this.status, false);
    if (spec.gate !== undefined) (child.stdio[spec.gate.fd] as Writable | null)?.on("error", () => {});
    child.on("error", (err) => {
      this.spawnError = err.message;
      this.finish();
    });
    child.on("exit", (code, sig) => {
      this.exit = { code, signal: sig };
      this.graceTimer = setTimeout(() => this.finish(), CLOSE_GRACE_MS);
    });
    child.on("close", () => this.finish());
    if (spec.stdin !== null) feed(child.stdin, spec.stdin);
    spec.fileData.forEach((data, i) => feed(child.stdio[FIRST_FILE_FD + i] as Writable | null, data));
  }

  private kill(reason: KillReason): void {
    this.killedFor ??= reason;
    if (this.spec.stopSandbox?.(this.status.text()) === true) {
      this.stopTimer ??= setTimeout(() => killTree(this.child), STOP_GRACE_MS);
      return;
    }
    killTree(this.child);
  }

  /** Keep what the capture keeps, count everything, kill on too much output. */
  private drain(stream: Readable | null | undefined, capture: BoundedCapture, counted: boolean): void {
    stream?.on("error", () => {});
    stream?.on("data", (chunk: Buffer) => {
      capture.push(chunk);
      if (capture === this.status) this.openGate();
      if (!counted) return;
      this.outputTotal += chunk.length;
      if (this.outputTotal > this.limits.killOutputBytes && this.killedFor === undefined) this.kill("output");
    });
  }

  /** Once bwrap has said which pid the sandbox has, let it go on (or stop it if setup fails). */
  private openGate(): void {
    const gate = this.spec.gate;
    if (gate === undefined || this.gateOpened || this.child.pid === undefined) return;
    const status = this.status.text();
    // The whole first status object: it may arrive in more than one read.
    if (!/\{[^}]*"child-pid"[^}]*\}/.test(status)) return;
    this.gateOpened = true;
    const pipe = this.child.stdio[gate.fd] as Writable | null;
    try {
      gate.open(this.child.pid, status);
    } catch (err) {
      this.setupError = String(err);
      this.kill("abort");
      pipe?.destroy();
      return;
    }
    pipe?.end("x");
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.wallTimer);
    clearTimeout(this.graceTimer);
    clearTimeout(this.stopTimer);
    this.signal?.removeEventListener("abort", this.onAbort);
    for (const stream of this.child.stdio) stream?.destroy();
    if (this.spec.killGroupAtEnd) killTree(this.child);
    this.resolve({
      ...(this.spawnError !== undefined ? { spawnError: this.spawnError } : {}),
      ...(this.setupError !== undefined ? { setupError: this.setupError } : {}),
      ...(this.killedFor !== undefined ? { killedFor: this.killedFor } : {}),
      exitCode: this.exit.code,
      signal: this.exit.signal,
      stdout: this.stdout,
      stderr: this.stderr,
      report: this.report,
      status: this.status.text(),
      wallMs: performance.now() - this.started,
    });
  }
}

function spawnFailure(err: unknown, limits: SandboxLimits): Supervised {
  const empty = (): BoundedCapture => new BoundedCapture(limits.captureBytes, limits.tailBytes);
  return { spawnError: String(err), exitCode: null, signal: null, stdout: empty(), stderr: empty(), report: empty(), status: "", wallMs: 0 };
}

/** A spawned process waiting for its job (`spec.stdin` null): `deliver` it, or `stop` it. */
export interface Waiting {
  readonly result: Promise<Supervised>;
  deliver(stdin: Buffer, signal?: AbortSignal): void;
  stop(): void;
}

/** Spawn now; the wall clock starts with `deliver`. */
export function superviseLater(spec: SpawnSpec, limits: SandboxLimits): Waiting {
  let supervision: Supervision | undefined;
  const result = new Promise<Supervised>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawnChild(spec);
    } catch (err) {
      resolve(spawnFailure(err, limits));
      return;
    }
    supervision = new Supervision(child, spec, limits, resolve);
    supervision.attach();
    supervision.park();
  });
  return {
    result,
    deliver: (stdin, signal) => supervision?.deliver(stdin, signal),
    stop: () => supervision?.stop(),
  };
}

export function supervise(spec: SpawnSpec, limits: SandboxLimits, signal?: AbortSignal): Promise<Supervised> {
  const waiting = superviseLater({ ...spec, stdin: null }, limits);
  waiting.deliver(spec.stdin ?? Buffer.alloc(0), signal);
  return waiting.result;
}
