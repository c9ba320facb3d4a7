/**
 * Finding out, once per host configuration, whether bubblewrap can create our sandbox here:
 * the executables, the host's root layout, the flags this bwrap understands, and a trial run
 * of `true` with the exact flags real runs use. If any of it fails, every run answers
 * `sandbox_unavailable` with the reason: we never fall back to running unsandboxed.
 */
import { execFile } from "node:child_process";
import { accessSync, constants as fsConstants, existsSync, lstatSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { TIMEOUT_PATH } from "./bwrap_args.js";
import type { HostLayout, RootEntry } from "./bwrap_args.js";
import { detectCgroups, RunCgroup } from "./cgroup.js";
import { executeOnlyInit } from "./init.js";
import { bwrapSpawnSpec, RUNNER_TASKS, type SandboxHost } from "./invocation.js";
import { seccompProgram } from "./seccomp.js";
import { supervise } from "./supervise.js";
import { DEFAULT_LIMITS, type SandboxHostOptions } from "./types.js";

export type { SandboxHost } from "./invocation.js";

export type ProbeResult = { readonly ok: true; readonly host: SandboxHost } | { readonly ok: false; readonly reason: string };

const ROOT_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
const ETC_PATHS = ["/etc/ld.so.cache", "/etc/alternatives"];
const NOBODY = 65534;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolve a command name on the *host's* PATH once, so bwrap's own env can stay minimal. */
export function findExecutable(name: string, pathVar = process.env.PATH ?? ""): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  for (const dir of pathVar.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The host's top-level library and binary directories, as real dirs or merged-/usr links. */
export function detectRoots(paths: readonly string[] = ROOT_DIRS): RootEntry[] {
  const roots: RootEntry[] = [];
  for (const path of paths) {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) roots.push({ path, kind: "symlink", target: readlinkSync(path) });
      else if (stat.isDirectory()) roots.push({ path, kind: "dir" });
    } catch {
      // Not on this host: nothing to bind.
    }
  }
  return roots;
}

async function supportsDisableUserns(bwrapPath: string): Promise<boolean> {
  try {
    const { stdout } = await promisify(execFile)(bwrapPath, ["--help"], { timeout: 10_000 });
    return stdout.includes("--disable-userns");
  } catch {
    return false;
  }
}

function spawnIdentity(options: SandboxHostOptions): { uid?: number; gid?: number } | string {
  if (process.getuid?.() !== 0) return {};
  const uid = options.hostUid ?? NOBODY;
  const gid = options.hostGid ?? NOBODY;
  if (uid === 0) return "refusing to run bwrap as root: RLIMIT_NPROC does not apply to uid 0, so a fork bomb would not be contained";
  return { uid, gid };
}

async function locateHost(options: SandboxHostOptions): Promise<SandboxHost | string> {
  const bwrapPath = findExecutable(options.bwrapPath ?? "bwrap");
  if (bwrapPath === null) return "bubblewrap (bwrap) is not installed or not on PATH; install it (apt-get install bubblewrap)";
  const prlimitPath = options.prlimitPath ?? "/usr/bin/prlimit";
  if (!isExecutable(prlimitPath)) return `${prlimitPath} (util-linux) is missing; it sets the resource limits inside the sandbox`;
  if (!isExecutable(TIMEOUT_PATH)) return `${TIMEOUT_PATH} (coreutils) is missing; it bounds a run's wall-clock time inside the sandbox`;
  const identity = spawnIdentity(options);
  if (typeof identity === "string") return identity;
  const readOnlyPaths = options.readOnlyPaths ?? [];
  for (const path of readOnlyPaths) if (!existsSync(path)) return `read-only path ${path} does not exist`;
  const layout: HostLayout = {
    roots: detectRoots(),
    etcPaths: ETC_PATHS.filter((path) => existsSync(path)),
    disableUserns: await supportsDisableUserns(bwrapPath),
  };
  const seccomp = options.seccomp === false ? null : seccompProgram();
  let initPath: string;
  try {
    initPath = executeOnlyInit(TIMEOUT_PATH);
  } catch (err) {
    return `cannot make the sandbox's execute-only init in ${tmpdir()}: ${String(err)}`;
  }
  const cgroup = options.cgroups === false ? "cgroups are turned off in the sandbox host options" : detectCgroups();
  const bounds = typeof cgroup === "string" ? { cgroup: null, cgroupUnavailable: cgroup } : { cgroup };
  return { bwrapPath, prlimitPath, layout, ...identity, readOnlyPaths, seccomp, initPath, ...bounds };
}

/** Run `true` in a sandbox built exactly as real runs are; the reason on failure. */
async function trialRun(host: SandboxHost): Promise<string | null> {
  const truePath = existsSync("/usr/bin/true") ? "/usr/bin/true" : "/bin/true";
  const limits = { ...DEFAULT_LIMITS, wallMs: 30_000 };
  let cgroup: RunCgroup | null = null;
  try {
    cgroup = host.cgroup === null ? null : RunCgroup.acquire(host.cgroup, limits, RUNNER_TASKS);
  } catch (err) {
    return String(err);
  }
  const spec = bwrapSpawnSpec(host, { argv: [truePath], files: [["probe", Buffer.from("probe")]], stdin: Buffer.alloc(0), limits }, cgroup);
  const run = await supervise(spec, limits);
  await cgroup?.destroy();
  if (run.spawnError !== undefined) return `could not start bwrap: ${run.spawnError}`;
  if (run.setupError !== undefined) return `could not join the sandbox's cgroup: ${run.setupError}`;
  if (/"exit-code"\s*:\s*0\b/.test(run.status)) return null;
  const said = run.stderr.text().trim().split("\n").slice(0, 3).join("; ");
  return `bubblewrap cannot create a sandbox here (${said || `exit ${run.exitCode}`}); unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, user.max_user_namespaces, or AppArmor's apparmor_restrict_unprivileged_userns)`;
}

let warnedNoCgroup = false;

/** Without a per-sandbox bound, say so once per process: limits are then per process only. */
function warnNoCgroup(reason: string): void {
  if (warnedNoCgroup) return;
  warnedNoCgroup = true;
  process.emitWarning(
    `sandboxes have no cgroup here (${reason}): memory and CPU are limited per process only, so one sandbox may use up to processes x memory bytes and several cores`,
    { code: "ALIGN_SANDBOX_NO_CGROUP" },
  );
}

async function probeUncached(options: SandboxHostOptions): Promise<ProbeResult> {
  let host = await locateHost(options);
  if (typeof host === "string") return { ok: false, reason: host };
  let failure = await trialRun(host);
  if (failure !== null && host.cgroup !== null) {
    // The cgroup may be what failed: try without, and say why there is no cgroup.
    const without: SandboxHost = { ...host, cgroup: null, cgroupUnavailable: `a trial sandbox in a cgroup failed: ${failure}` };
    failure = await trialRun(without);
    host = without;
  }
  if (failure !== null) return { ok: false, reason: failure };
  if (host.cgroup === null) warnNoCgroup(host.cgroupUnavailable ?? "unknown");
  return { ok: true, host };
}

const cache = new Map<string, Promise<ProbeResult>>();
/** A failed probe is retried after this long (an operator may fix the host meanwhile). */
const RETRY_FAILED_MS = 60_000;

/** Probe once per distinct host configuration; later calls share the answer. */
export function probeSandbox(options: SandboxHostOptions = {}): Promise<ProbeResult> {
  const key = JSON.stringify(options);
  let probe = cache.get(key);
  if (probe === undefined) {
    probe = probeUncached(options).catch((err: unknown): ProbeResult => ({ ok: false, reason: `sandbox probe failed: ${String(err)}` }));
    cache.set(key, probe);
    void probe.then((result) => {
      if (!result.ok) setTimeout(() => cache.delete(key), RETRY_FAILED_MS).unref();
    });
  }
  return probe;
}

/** For tests that change the host configuration between probes. */
export function clearProbeCache(): void {
  cache.clear();
}
