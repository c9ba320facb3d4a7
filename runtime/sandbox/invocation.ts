/**
 * How a bwrap run is spawned: the command line, the environment and identity of bwrap
 * itself, and which pipe carries what. One builder for the probe's trial run and for real
 * runs, so the probe tests exactly what runs use.
 */
import { BWRAP_ENV, bwrapArgs, sandboxEnv, type HostLayout } from "./bwrap_args.js";
import type { CgroupHost, RunCgroup } from "./cgroup.js";
import { FIRST_FILE_FD, STATUS_FD, type SpawnSpec } from "./supervise.js";
import type { SandboxLimits } from "./types.js";

/** What the probe learnt about this host; everything a run needs to build its sandbox. */
export interface SandboxHost {
  readonly bwrapPath: string;
  readonly prlimitPath: string;
  readonly layout: HostLayout;
  /** Identity bwrap is spawned with (set when this process is root). */
  readonly uid?: number;
  readonly gid?: number;
  readonly readOnlyPaths: readonly string[];
  /** The seccomp filter loaded into every sandbox, or null (unknown architecture, or off). */
  readonly seccomp: Buffer | null;
  /** Host path of the sandbox's execute-only init (init.ts). */
  readonly initPath: string;
  /** Where per-run cgroups are made, or null: then `cgroupUnavailable` says why. */
  readonly cgroup: CgroupHost | null;
  readonly cgroupUnavailable?: string;
}

/** Processes of a run in its cgroup besides the program's own: bwrap and the init. */
export const RUNNER_TASKS = 2;

/**
 * Joins every controller's cgroup (the pid is the shell's, which then execs bwrap), so bwrap
 * and all it starts are inside before anything runs; a failed write stops the run (status 125,
 * no bwrap status: sandbox_error).
 */
const JOIN_CGROUP = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
const SHELL = "/bin/sh";
const SETPRIV = "/usr/bin/setpriv";

export interface BwrapRun {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly files: ReadonlyArray<readonly [string, Buffer]>;
  readonly stdin: Buffer;
  readonly limits: SandboxLimits;
}

function identityOf(host: SandboxHost): { uid?: number; gid?: number } {
  return {
    ...(host.uid !== undefined ? { uid: host.uid } : {}),
    ...(host.gid !== undefined ? { gid: host.gid } : {}),
  };
}

/**
 * With a cgroup, the command runs through a shell that joins it first; when bwrap must run as
 * another uid (we are root), the shell joins as root and setpriv drops to that uid before bwrap.
 */
function commandLine(host: SandboxHost, args: string[], cgroup: RunCgroup | null): { command: string; args: string[]; identity: { uid?: number; gid?: number } } {
  if (cgroup === null) return { command: host.bwrapPath, args, identity: identityOf(host) };
  const files = cgroup.procsFiles;
  const drop = host.uid !== undefined ? [SETPRIV, `--reuid=${host.uid}`, `--regid=${host.gid ?? host.uid}`, "--clear-groups", "--"] : [];
  return { command: SHELL, args: ["-c", JOIN_CGROUP, "sh", String(files.length), ...files, ...drop, host.bwrapPath, ...args], identity: {} };
}

/** Pipes from FIRST_FILE_FD on: the seccomp filter first (if any), then the files. */
export function bwrapSpawnSpec(host: SandboxHost, run: BwrapRun, cgroup: RunCgroup | null = null): SpawnSpec {
  const fileFd0 = FIRST_FILE_FD + (host.seccomp ? 1 : 0);
  const args = bwrapArgs({
    layout: host.layout,
    limits: run.limits,
    env: sandboxEnv(run.env),
    argv: run.argv,
    files: run.files.map(([name], i) => ({ fd: fileFd0 + i, name })),
    statusFd: STATUS_FD,
    ...(host.seccomp ? { seccompFd: FIRST_FILE_FD } : {}),
    prlimitPath: host.prlimitPath,
    initPath: host.initPath,
    readOnlyPaths: host.readOnlyPaths,
  });
  const line = commandLine(host, args, cgroup);
  return {
    command: line.command,
    args: line.args,
    cwd: "/",
    env: BWRAP_ENV,
    ...line.identity,
    stdin: run.stdin,
    fileData: [...(host.seccomp ? [host.seccomp] : []), ...run.files.map(([, data]) => data)],
    statusPipe: true,
    killGroupAtEnd: false,
  };
}
