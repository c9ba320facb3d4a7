/**
 * The bubblewrap and prlimit command lines, as pure functions of the host layout, the limits
 * and the request, so that every flag is reviewable and unit-tested without spawning anything.
 * Why each flag is there: docs/judges/code_tests.md, "Sandbox".
 */
import type { SandboxLimits } from "./types.js";

/** The only writable place inside the sandbox, and the program's cwd and HOME. */
export const WORK_DIR = "/work";
/** Unprivileged identity inside the sandbox's user namespace. */
export const SANDBOX_UID = 1000;

/** A top-level path of the host root the sandbox needs: a real directory or a symlink. */
export type RootEntry =
  | { readonly path: string; readonly kind: "dir" }
  | { readonly path: string; readonly kind: "symlink"; readonly target: string };

export interface HostLayout {
  /** /bin, /lib, /lib64, /sbin, ... as they are on the host (merged-/usr or not). */
  readonly roots: readonly RootEntry[];
  /**
   * Parts of /etc bound read-only: the dynamic loader's cache, and Debian's alternatives
   * (symlinks through which libraries such as libblas resolve). Nothing with secrets.
   */
  readonly etcPaths: readonly string[];
  /** This bwrap understands --disable-userns (0.8+): no nested user namespaces. */
  readonly disableUserns: boolean;
}

export interface SandboxFileFd {
  readonly fd: number;
  readonly name: string;
}

export interface BwrapInvocation {
  readonly layout: HostLayout;
  readonly limits: SandboxLimits;
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly files: readonly SandboxFileFd[];
  /** Host-side fd on which bwrap reports `{"exit-code": N}` once the command has run. */
  readonly statusFd: number;
  /** fd from which bwrap reads the seccomp filter (see seccomp.ts), if any. */
  readonly seccompFd?: number;
  /** fd the sandbox waits on before it runs the command (`--block-fd`), if any. */
  readonly blockFd?: number;
  readonly prlimitPath: string;
  /** Host path of the execute-only init (init.ts), bound at SANDBOX_INIT. */
  readonly initPath: string;
  readonly readOnlyPaths: readonly string[];
  /** The program is pid 1 (SandboxRequest.programIsInit): no init, no process for it. */
  readonly programIsInit?: boolean;
}

/** bwrap's own environment; the host's (which may hold API keys) is never passed on. */
export const BWRAP_ENV: Readonly<Record<string, string>> = { PATH: "/usr/bin:/bin" };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** The fixed environment: the host's is never passed on (it may hold API keys). */
export function sandboxEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: WORK_DIR,
    TMPDIR: WORK_DIR,
    LANG: "C.UTF-8",
    TZ: "UTC",
  };
  for (const [name, value] of Object.entries(extra)) {
    if (!ENV_NAME.test(name) || value.includes("\0")) throw new Error(`invalid sandbox env entry ${JSON.stringify(name)}`);
    env[name] = value;
  }
  return env;
}

export function checkFileName(name: string): void {
  if (!FILE_NAME.test(name)) throw new Error(`invalid sandbox file name ${JSON.stringify(name)} (a plain name, no directories)`);
}

/**
 * prlimit runs inside the sandbox, after the user namespace exists: RLIMIT_NPROC then counts
 * only this sandbox's processes, so concurrent sandboxes do not share one process budget.
 * `extraProcesses`: processes of the runner that count against RLIMIT_NPROC (the init).
 */
export function prlimitArgs(prlimitPath: string, limits: SandboxLimits, extraProcesses = 0): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    prlimitPath,
    `--cpu=${cpu}:${cpu + 1}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.processes + extraProcesses}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--nofile=${limits.openFiles}`,
    "--core=0",
    "--",
  ];
}

/** coreutils' timeout on the host, of which the sandbox's init is an execute-only copy. */
export const TIMEOUT_PATH = "/usr/bin/timeout";

/**
 * Where the init is bound inside. It is pid 1 of the sandbox (`--as-pid-1`: bwrap installs
 * no init of its own), under the rlimits (prlimit execs it), and not dumpable (the kernel
 * marks a process that execs an unreadable file so): no process of the sandbox can open its
 * /proc/1/mem to rewrite it. When it exits, the kernel kills the whole pid namespace.
 */
export const SANDBOX_INIT = "/sandbox-init";

/** How long after the host's own wall-clock kill the in-sandbox backstop fires. */
const BACKSTOP_GRACE_S = 2;

/** When the in-sandbox backstop ends a run whose host-side wall clock is `wallMs`. */
export function backstopSeconds(wallMs: number): number {
  return Math.ceil(wallMs / 1000) + BACKSTOP_GRACE_S;
}

/**
 * The init's command line: a wall-clock limit enforced inside the sandbox, as a backstop to
 * the host's kill, for a judge process that froze or died before bwrap armed its
 * parent-death signal (the first milliseconds of a run).
 */
export function wallClockArgs(limits: SandboxLimits): string[] {
  return [SANDBOX_INIT, "--signal=KILL", `${backstopSeconds(limits.wallMs)}s`];
}

function namespaceArgs(layout: HostLayout): string[] {
  const args = ["--unshare-all", "--unshare-user"];
  if (layout.disableUserns) args.push("--disable-userns");
  args.push("--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID), "--hostname", "sandbox");
  args.push("--die-with-parent", "--new-session", "--as-pid-1");
  return args;
}

function filesystemArgs(layout: HostLayout, readOnlyPaths: readonly string[], initPath: string): string[] {
  const args = ["--ro-bind", "/usr", "/usr", "--ro-bind", initPath, SANDBOX_INIT];
  for (const root of layout.roots) {
    if (root.kind === "symlink") args.push("--symlink", root.target, root.path);
    else args.push("--ro-bind", root.path, root.path);
  }
  for (const path of layout.etcPaths) args.push("--ro-bind", path, path);
  for (const path of readOnlyPaths) args.push("--ro-bind", path, path);
  // /dev is bwrap's minimal tmpfs of device nodes; read-only so it cannot be a second,
  // unbounded writable tmpfs (the device nodes themselves stay usable).
  args.push("--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev");
  return args;
}

export function bwrapArgs(inv: BwrapInvocation): string[] {
  const args = [...namespaceArgs(inv.layout), ...filesystemArgs(inv.layout, inv.readOnlyPaths, inv.initPath)];
  args.push("--size", String(inv.limits.workDirBytes), "--tmpfs", WORK_DIR);
  for (const file of inv.files) {
    checkFileName(file.name);
    args.push("--file", String(file.fd), `${WORK_DIR}/${file.name}`);
  }
  args.push("--json-status-fd", String(inv.statusFd));
  if (inv.blockFd !== undefined) args.push("--block-fd", String(inv.blockFd));
  if (inv.seccompFd !== undefined) args.push("--seccomp", String(inv.seccompFd));
  // Last: everything outside the work dir is now read-only, including the root tmpfs.
  args.push("--remount-ro", "/", "--chdir", WORK_DIR, "--clearenv");
  for (const [name, value] of Object.entries(inv.env)) args.push("--setenv", name, value);
  // prlimit first, so that the init, too, runs under every limit; the init counts as a process.
  const init = inv.programIsInit === true ? [] : wallClockArgs(inv.limits);
  args.push("--", ...prlimitArgs(inv.prlimitPath, inv.limits, init.length > 0 ? 1 : 0), ...init, ...inv.argv);
  return args;
}
