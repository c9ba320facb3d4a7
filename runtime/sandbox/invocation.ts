/**
 * How a bwrap run is spawned: the command line, the environment and identity of bwrap
 * itself, and which pipe carries what. One builder for the probe's trial run and for real
 * runs, so the probe tests exactly what runs use.
 */
import { BWRAP_ENV, bwrapArgs, sandboxEnv, type HostLayout } from "./bwrap_args.js";
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
}

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

/** Pipes from FIRST_FILE_FD on: the seccomp filter first (if any), then the files. */
export function bwrapSpawnSpec(host: SandboxHost, run: BwrapRun): SpawnSpec {
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
    readOnlyPaths: host.readOnlyPaths,
  });
  return {
    command: host.bwrapPath,
    args,
    cwd: "/",
    env: BWRAP_ENV,
    ...identityOf(host),
    stdin: run.stdin,
    fileData: [...(host.seccomp ? [host.seccomp] : []), ...run.files.map(([, data]) => data)],
    statusPipe: true,
    killGroupAtEnd: false,
  };
}
