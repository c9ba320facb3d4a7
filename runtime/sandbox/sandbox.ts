/**
 * Running one program: in bubblewrap (the default), or with no isolation for trusted code
 * when the caller says `mode: "none"` explicitly. A missing or broken bubblewrap gives
 * `sandbox_unavailable`; nothing here ever falls back to running untrusted code unsandboxed.
 */
import { accessSync, constants as fsConstants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkFileName, prlimitArgs, sandboxEnv } from "./bwrap_args.js";
import { classify } from "./classify.js";
import { RunCgroup } from "./cgroup.js";
import { bwrapSpawnSpec, runnerTasks } from "./invocation.js";
import { probeSandbox } from "./probe.js";
import { supervise, superviseLater, type Supervised } from "./supervise.js";
import { killSandbox, parseSandboxInit } from "./teardown.js";
import { DEFAULT_LIMITS, type SandboxHostOptions, type SandboxLimits, type SandboxMode, type SandboxRequest, type SandboxResult } from "./types.js";

export function resolveLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`sandbox limit ${name} must be a non-negative number, got ${value}`);
  }
  return limits;
}

function emptyResult(status: SandboxResult["status"], error: string): SandboxResult {
  return { status, exitCode: null, signal: null, stdout: "", stderr: "", report: "", wallMs: 0, truncated: false, error };
}

/** `"exit-code": N` appears on bwrap's status fd only once the command itself has run. */
export function parseCommandExitCode(statusText: string): number | null {
  const match = /"exit-code"\s*:\s*(\d+)/.exec(statusText);
  return match ? Number(match[1]) : null;
}

function toResult(run: Supervised, mode: SandboxMode, oomKilled = false): SandboxResult {
  const classified = classify({
    mode,
    oomKilled,
    ...(run.spawnError !== undefined || run.setupError !== undefined ? { spawnError: run.spawnError ?? `sandbox setup failed: ${run.setupError}` } : {}),
    ...(run.killedFor !== undefined ? { killedFor: run.killedFor } : {}),
    exitCode: run.exitCode,
    signal: run.signal,
    commandExitCode: parseCommandExitCode(run.status),
    stderrTail: run.stderr.lastText(2048),
  });
  return {
    status: classified.status,
    exitCode: classified.exitCode,
    signal: classified.signal,
    stdout: run.stdout.text(),
    stderr: run.stderr.text(),
    report: run.report.text(),
    wallMs: Math.round(run.wallMs),
    truncated: run.stdout.truncated || run.stderr.truncated || run.report.truncated,
    ...(classified.error !== undefined ? { error: classified.error } : {}),
  };
}

/**
 * The program is bound at the same path inside, so check it on the host: a missing
 * interpreter is the operator's problem (sandbox_error), not a failing program.
 */
function missingProgram(path: string): string | null {
  try {
    accessSync(path, fsConstants.X_OK);
    return null;
  } catch {
    return `${path} is not an executable file on this host`;
  }
}

/** Only /usr (reached also through the /bin, /sbin links) and the extra binds exist inside. */
function invisibleInside(path: string, readOnlyPaths: readonly string[]): string | null {
  const normal = resolve(path);
  const visible = ["/usr", "/bin", "/sbin", ...readOnlyPaths].some((dir) => normal.startsWith(`${resolve(dir)}/`));
  return visible ? null : `${path} is not inside the sandbox (bind its directory with readOnlyPaths)`;
}

function checkRequest(request: SandboxRequest): Array<[string, Buffer]> {
  const program = request.argv[0];
  if (program === undefined || !program.startsWith("/")) throw new Error("sandbox argv[0] must be an absolute path");
  return Object.entries(request.files ?? {}).map(([name, data]) => {
    checkFileName(name);
    return [name, Buffer.from(data)];
  });
}

/** A sandbox that is up and waiting for its stdin (the job); one run each. */
export interface StartedSandbox {
  /** Give it its stdin; its wall clock starts now. Call once. */
  run(stdin: string | Uint8Array, signal?: AbortSignal): Promise<SandboxResult>;
  /** Stop it unused (or stop waiting); resolves once nothing of it is left on the host. */
  discard(): Promise<void>;
  /** False once it ended before its job came (then `run` answers what happened). */
  readonly waiting: boolean;
}

async function startInBwrap(request: SandboxRequest, limits: SandboxLimits, files: Array<[string, Buffer]>, hostOptions: SandboxHostOptions): Promise<StartedSandbox | SandboxResult> {
  const probe = await probeSandbox(hostOptions);
  if (!probe.ok) return emptyResult("sandbox_unavailable", probe.reason);
  const { host } = probe;
  const missing = missingProgram(request.argv[0]!) ?? invisibleInside(request.argv[0]!, host.readOnlyPaths);
  if (missing !== null) return emptyResult("sandbox_error", missing);
  let cgroup: RunCgroup | null;
  try {
    cgroup = host.cgroup === null ? null : RunCgroup.acquire(host.cgroup, limits, runnerTasks(request.programIsInit));
  } catch (err) {
    return emptyResult("sandbox_error", String(err));
  }
  const spec = bwrapSpawnSpec(host, {
    argv: request.argv,
    ...(request.env !== undefined ? { env: request.env } : {}),
    files,
    stdin: Buffer.alloc(0),
    limits,
    ...(request.programIsInit === true ? { programIsInit: true } : {}),
  }, cgroup);
  const waiting = superviseLater({ ...spec, stdin: null }, limits);
  let ended = false;
  const result = waiting.result.then(async (run) => {
    ended = true;
    const leftover = await endSandbox(run, cgroup);
    const finished = toResult(run, "bwrap", cgroup?.oomKilled() ?? false);
    return leftover === null ? finished : { ...finished, status: "sandbox_error" as const, error: leftover };
  });
  return {
    run: (stdin, signal) => {
      waiting.deliver(Buffer.from(stdin), signal);
      return result;
    },
    discard: async () => {
      waiting.stop();
      await result;
    },
    get waiting() {
      return !ended;
    },
  };
}

async function runInBwrap(request: SandboxRequest, limits: SandboxLimits, files: Array<[string, Buffer]>, hostOptions: SandboxHostOptions): Promise<SandboxResult> {
  const started = await startInBwrap(request, limits, files, hostOptions);
  return "run" in started ? started.run(request.stdin ?? "", request.signal) : started;
}

/**
 * Start a sandbox for `request` now, without its stdin: it runs up to where the program reads
 * its stdin, and waits there (with no wall clock) until `run` gives it. bwrap only; a sandbox
 * that cannot start answers with its result at once. Nothing of it outlives this process:
 * bwrap dies with it (`--die-with-parent`) and takes the sandbox's pid namespace along.
 */
export async function startSandboxed(request: SandboxRequest, hostOptions: SandboxHostOptions = {}): Promise<StartedSandbox | SandboxResult> {
  if (request.mode === "none") throw new Error("startSandboxed: only bwrap sandboxes start ahead (mode none)");
  return startInBwrap(request, resolveLimits(request.limits), checkRequest(request), hostOptions);
}

/**
 * Whatever the program did, nothing of the sandbox outlives its result: its pid 1 is killed
 * from outside (and with it the pid namespace), then its cgroup is emptied and removed.
 * Returns why that failed, if it did (processes stuck in the kernel).
 */
async function endSandbox(run: Supervised, cgroup: RunCgroup | null): Promise<string | null> {
  const init = parseSandboxInit(run.status);
  if (init !== null && !(await killSandbox(init))) return `the sandbox's pid 1 (host pid ${init.pid}) survived SIGKILL`;
  try {
    await cgroup?.release();
  } catch (err) {
    return String(err);
  }
  return null;
}

let warnedNone = false;

/** `none` is for code the operator trusts; say so once per process, loudly. */
function warnUnsandboxedOnce(): void {
  if (warnedNone) return;
  warnedNone = true;
  process.emitWarning("code runs WITHOUT a sandbox (sandbox = none): only use this for trusted code", { code: "ALIGN_SANDBOX_NONE" });
}

async function runUnsandboxed(request: SandboxRequest, limits: SandboxLimits, files: Array<[string, Buffer]>, hostOptions: SandboxHostOptions): Promise<SandboxResult> {
  warnUnsandboxedOnce();
  const missing = missingProgram(request.argv[0]!);
  if (missing !== null) return emptyResult("sandbox_error", missing);
  const dir = await mkdtemp(join(tmpdir(), "align-nosandbox-"));
  try {
    for (const [name, data] of files) await writeFile(join(dir, name), data);
    const prlimit = prlimitArgs(hostOptions.prlimitPath ?? "/usr/bin/prlimit", limits);
    const spec = {
      command: prlimit[0]!,
      args: [...prlimit.slice(1), ...request.argv],
      cwd: dir,
      env: { ...sandboxEnv(request.env), HOME: dir, TMPDIR: dir },
      stdin: Buffer.from(request.stdin ?? ""),
      fileData: [],
      statusPipe: false,
      killGroupAtEnd: true,
    };
    return toResult(await supervise(spec, limits, request.signal), "none");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Run one program under the request's limits. Never throws for anything the program does;
 * throws only for a malformed request (a caller bug: bad file name, relative argv[0]).
 */
export async function runSandboxed(request: SandboxRequest, hostOptions: SandboxHostOptions = {}): Promise<SandboxResult> {
  const limits = resolveLimits(request.limits);
  const files = checkRequest(request);
  if (request.signal?.aborted) return emptyResult("killed", "cancelled before start");
  if (request.mode === "none") return runUnsandboxed(request, limits, files, hostOptions);
  return runInBwrap(request, limits, files, hostOptions);
}
