/**
 * One worker process per stage (`python -m align_worker run ...`, docs/worker.md): its output is
 * streamed line by line with the stage name in front, and the last lines of stderr are kept so a
 * failure can be summed up in one line.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

import type { StageInvocation } from "./types.js";

export type WorkerInvocation = StageInvocation;

/** Where one process sits in a multi-rank stage: its torchrun env and the tag on its lines. */
export interface RankPlacement {
  readonly env: Readonly<Record<string, string>>;
  /** Prefix of the process's output lines (default `[stage]`). */
  readonly tag?: string;
  /**
   * The command that starts the worker on the ranks, from `[python, ...workerArgs]`: cluster
   * launchers put srun, torchrun or the Ray driver in front (default: the worker itself).
   */
  readonly wrap?: (argv: readonly string[]) => readonly string[];
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last non-empty stderr lines, oldest first (for the failure summary). */
  readonly tail: readonly string[];
}

export interface RunningWorker {
  readonly child: ChildProcess;
  readonly exited: Promise<WorkerExit>;
}

/** The directory holding the `align_worker` package, from the source tree or from dist/. */
export function findWorkerDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "runtime", "worker");
    if (existsSync(path.join(candidate, "align_worker", "__main__.py"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("runtime/worker/align_worker not found above the orchestrator module");
    dir = parent;
  }
}

export function workerArgs(w: WorkerInvocation): string[] {
  const args = ["-m", "align_worker", "run", "--plan", w.planFile, "--stage", w.stage,
    "--run-dir", w.runDir, "--base-dir", w.baseDir];
  if (w.judgeUrl !== undefined) args.push("--judge-url", w.judgeUrl);
  if (w.resume) args.push("--resume");
  if (w.cpu) args.push("--cpu");
  return args;
}

/** Calls `emit` once per complete line; the rest waits for more data or for `flush`. */
function lineSplitter(emit: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    flush() {
      if (pending !== "") emit(pending);
      pending = "";
    },
  };
}

const TAIL_LINES = 20;

/**
 * Starts the worker in its own process group, so a terminal's Ctrl-C reaches only `align run`,
 * which forwards it once (see `signalWorker`); a worker hit twice would die mid-cleanup.
 */
export function startWorker(w: WorkerInvocation, log: (line: string) => void, placement?: RankPlacement): RunningWorker {
  const pythonPath = [w.workerDir, w.env["PYTHONPATH"]].filter((p) => p !== undefined && p !== "").join(path.delimiter);
  const [file, ...args] = placement?.wrap ? placement.wrap([w.python, ...workerArgs(w)]) : [w.python, ...workerArgs(w)];
  const child = spawn(file!, args, {
    env: { ...w.env, ...placement?.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const tag = placement?.tag ?? `[${w.stage}]`;
  // The worker tags its own progress lines `[stage] ...`; others get the tag here.
  const show = (line: string) => log(line.startsWith(tag) ? line : `${tag} ${line}`);
  const tail: string[] = [];
  const out = lineSplitter(show);
  const err = lineSplitter((line) => {
    show(line);
    if (line.trim() !== "") tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  });
  child.stdout?.setEncoding("utf8").on("data", (c: string) => out.push(c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => err.push(c));
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once("error", (error) => {
      tail.push(`cannot start ${file}: ${error.message}`);
      resolve({ code: 127, signal: null, tail });
    });
    child.once("close", (code, signal) => {
      out.flush();
      err.flush();
      resolve({ code, signal, tail });
    });
  });
  return { child, exited };
}

/** Sends a signal to the worker's whole process group (it may have started ranks of its own). */
export function signalWorker(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** The one line that explains a worker failure: its own error line, else the last line. */
export function failureLine(tail: readonly string[]): string {
  const own = [...tail].reverse().find((l) => l.startsWith("align-worker: error:"));
  if (own !== undefined) return own.replace(/^align-worker: error:\s*/, "");
  return tail[tail.length - 1]?.trim() ?? "no output";
}
