/**
 * Types of the sandbox runner: what a caller asks to run, under which limits, and what comes
 * back. The runner executes untrusted programs (policy output) with bubblewrap; see
 * docs/judges/code_tests.md for the threat model and the guarantees.
 */

/** `bwrap`: the real sandbox. `none`: no isolation at all, for trusted code only (warns once). */
export type SandboxMode = "bwrap" | "none";

export type SandboxStatus =
  /** The program ran and exited on its own (any exit code, or a signal not listed below). */
  | "ok"
  /** Wall-clock timeout (we killed the whole tree) or the CPU-seconds limit (SIGXCPU). */
  | "timeout"
  /** The address-space limit was hit (Python's MemoryError at the end of stderr). */
  | "memory_limit"
  /** stdout + stderr + report channel exceeded `killOutputBytes`; we killed the tree. */
  | "output_limit"
  /** Killed by a signal we did not send for a limit, or cancelled through the AbortSignal. */
  | "killed"
  /** bubblewrap started but could not set this sandbox up (or the runner hit an I/O error). */
  | "sandbox_error"
  /** bubblewrap is missing or cannot create sandboxes here; nothing was run. */
  | "sandbox_unavailable";

export interface SandboxLimits {
  /** Wall-clock limit in ms; then the whole process tree is killed. */
  readonly wallMs: number;
  /** RLIMIT_CPU in seconds (soft; the hard limit is one second more). */
  readonly cpuSeconds: number;
  /**
   * Memory in bytes: RLIMIT_AS of each process, and with cgroups also the bound of the whole
   * sandbox (every process, the work dir's tmpfs pages included; no swap).
   */
  readonly memoryBytes: number;
  /** CPU cores the whole sandbox may use at once (cgroup CPU bandwidth; cgroups only). */
  readonly cpus: number;
  /**
   * Processes + threads the program may have at once: RLIMIT_NPROC inside its user namespace
   * (plus one for the sandbox's init), and with cgroups also the cgroup's task bound.
   */
  readonly processes: number;
  /** RLIMIT_FSIZE in bytes: the largest file a process may write. */
  readonly fileSizeBytes: number;
  /** RLIMIT_NOFILE: open file descriptors per process. */
  readonly openFiles: number;
  /** Size of the tmpfs mounted on the work dir (the only writable place). */
  readonly workDirBytes: number;
  /** Bytes kept from the start of each stream. */
  readonly captureBytes: number;
  /** Bytes kept from the end of each stream (tracebacks live there). */
  readonly tailBytes: number;
  /** Total output (all streams) after which the tree is killed: status `output_limit`. */
  readonly killOutputBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  wallMs: 10_000,
  cpuSeconds: 10,
  memoryBytes: 512 * 1024 * 1024,
  cpus: 1,
  processes: 32,
  fileSizeBytes: 16 * 1024 * 1024,
  openFiles: 64,
  workDirBytes: 64 * 1024 * 1024,
  captureBytes: 64 * 1024,
  tailBytes: 4 * 1024,
  killOutputBytes: 8 * 1024 * 1024,
};

export interface SandboxRequest {
  /** Command inside the sandbox; argv[0] must be an absolute path under a bound directory. */
  readonly argv: readonly string[];
  /** Files created in the work dir before the command starts (relative names, no `..`). */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Bytes on the program's stdin; it reads EOF after them. */
  readonly stdin?: string | Uint8Array;
  /** Extra environment on top of the fixed minimal one (PATH, HOME, LANG, TZ, TMPDIR). */
  readonly env?: Readonly<Record<string, string>>;
  readonly limits?: Partial<SandboxLimits>;
  /** Default `bwrap`. `none` runs the command directly: trusted code only. */
  readonly mode?: SandboxMode;
  /** Cancels the run (queued or running); the result has status `killed`. */
  readonly signal?: AbortSignal;
  /**
   * Run the program as the sandbox's pid 1 instead of under the init (one `exec` and one fork
   * fewer per run). Only for a program that keeps the init's duties itself: it ends itself at
   * `backstopSeconds(wallMs)` whatever the host does, and it is not dumpable before any
   * untrusted code runs in the sandbox (the code_tests harness). Its exit ends every other
   * process of the sandbox, as the init's does.
   */
  readonly programIsInit?: boolean;
}

export interface SandboxResult {
  readonly status: SandboxStatus;
  /** The program's exit code; null when it never started or we killed it. */
  readonly exitCode: number | null;
  /** The signal that ended the program (e.g. `SIGXCPU`), else null. */
  readonly signal: string | null;
  /** Captured stdout: the head, and when truncated a marker and the tail. */
  readonly stdout: string;
  readonly stderr: string;
  /** What the program wrote to fd 3 (the report channel), captured like stdout. */
  readonly report: string;
  readonly wallMs: number;
  /** True when any stream was longer than what was kept. */
  readonly truncated: boolean;
  /** Why the sandbox failed (`sandbox_error`, `sandbox_unavailable`), or what was killed. */
  readonly error?: string;
}

/** Host-side settings of the runner (operator configuration, never from a sample). */
export interface SandboxHostOptions {
  /** bubblewrap executable; default: `bwrap` found on PATH. */
  readonly bwrapPath?: string;
  /** prlimit executable, must live under a bound directory; default `/usr/bin/prlimit`. */
  readonly prlimitPath?: string;
  /**
   * Host uid/gid bubblewrap runs as when this process is root. Root is exempt from
   * RLIMIT_NPROC, so a fork bomb would not be contained; default 65534 (nobody).
   */
  readonly hostUid?: number;
  readonly hostGid?: number;
  /** Extra host directories bound read-only at the same path (e.g. `/opt/python`). */
  readonly readOnlyPaths?: readonly string[];
  /** Load the seccomp deny-list (seccomp.ts); default true. */
  readonly seccomp?: boolean;
  /**
   * Bound each sandbox as a whole with a cgroup (cgroup.ts) where this host allows it;
   * default true. Where it does not (or with false), limits are per process and the runner
   * warns once (ALIGN_SANDBOX_NO_CGROUP).
   */
  readonly cgroups?: boolean;
}
