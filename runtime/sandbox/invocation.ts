/**
 * How a bwrap run is spawned: the command line, the environment and identity of bwrap
 * itself, and which pipe carries what. One builder for the probe's trial run and for real
 * runs, so the probe tests exactly what runs use.
 */
import { BWRAP_ENV, bwrapArgs, sandboxEnv, type HostLayout } from "./bwrap_args.js";
import type { CgroupHost, RunCgroup } from "./cgroup.js";
import { parseSandboxInit, stopSandbox } from "./teardown.js";
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

/** bwrap (outside) and the sandbox's pid 1 (from the status) into the run's cgroup. */
function joinCgroup(cgroup: RunCgroup, bwrapPid: number, status: string): void {
  const init = parseSandboxInit(status);
  if (init === null) throw new Error("bwrap reported no sandbox pid");
  cgroup.join([bwrapPid, init.pid]);
}

/** Pipes from FIRST_FILE_FD on: the seccomp filter first (if any), then the files. */
export function bwrapSpawnSpec(host: SandboxHost, run: BwrapRun, cgroup: RunCgroup | null = null): SpawnSpec {
  const fileFd0 = FIRST_FILE_FD + (host.seccomp ? 1 : 0);
  // With a cgroup, bwrap's sandbox waits on this pipe once it exists (before it runs anything
  // of the request); we move bwrap and it into the cgroup, then let it go on.
  const gateFd = cgroup === null ? undefined : fileFd0 + run.files.length;
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
    ...(gateFd === undefined ? {} : { blockFd: gateFd }),
  });
  const gate = gateFd === undefined || cgroup === null ? {} : { gate: { fd: gateFd, open: (bwrapPid: number, status: string) => joinCgroup(cgroup, bwrapPid, status) } };
  return {
    command: host.bwrapPath,
    args,
    cwd: "/",
    env: BWRAP_ENV,
    ...identityOf(host),
    ...gate,
    stopSandbox: (status: string) => {
      const init = parseSandboxInit(status);
      return init !== null && stopSandbox(init);
    },
    stdin: run.stdin,
    fileData: [...(host.seccomp ? [host.seccomp] : []), ...run.files.map(([, data]) => data)],
    statusPipe: true,
    killGroupAtEnd: false,
  };
}
