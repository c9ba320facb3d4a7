/**
 * Sandbox benchmark: sandboxed executions per second of a trivial Python program, one at a
 * time and with a pool of 2, against the same program started unsandboxed (`python3 -c`)
 * in the same run, plus the code_tests judge end to end with and without the sandbox, with
 * 2 sandboxes started ahead (back to back, and with requests 150 ms apart so they refill) and,
 * with `--baseline`, the code_tests judge of another checkout (for example the one-process
 * harness, a55b8f0) in its own process. Rounds of each mode are interleaved so that a change
 * in machine load hits all of them. Each mode reports wall time (median latency, throughput)
 * and CPU time per execution (this process and its sandboxes): on a saturated machine the
 * CPU time is what limits verdicts per second.
 *
 *   npx tsx bench/sandbox.ts [--runs 60] [--rounds 3] [--baseline CHECKOUT] [--json]
 *
 * A baseline checkout needs runtime/, compiler/ and node_modules/, e.g.:
 *   mkdir /tmp/align-base && git archive a55b8f0 runtime compiler package.json | tar -x -C /tmp/align-base
 *   ln -s "$PWD/node_modules" /tmp/align-base/node_modules
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { createCodeTestsJudge } from "../runtime/judges/code_tests/index.js";
import { probeSandbox, SandboxPool } from "../runtime/sandbox/index.js";
import { cpuMsNow, verdicts } from "./lib/judgeWorker.js";
import { loadLine, medianOf } from "./lib/measure.js";

const PYTHON = "/usr/bin/python3";
const PROGRAM = "pass";
/** Requests this far apart give the sandboxes started ahead time to refill. */
const PACE_MS = 150;

export interface BenchOptions {
  readonly runs: number;
  readonly rounds: number;
  /** A checkout whose code_tests judge runs as one more mode, in its own process. */
  readonly baseline?: string;
}

export interface ModeResult {
  readonly mode: string;
  readonly execs: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Wall time per execution from throughput (what a pool sustains). */
  readonly msPerExec: number;
  /** Median latency of one execution (robust to load spikes on a shared machine). */
  readonly p50Ms: number;
  /** CPU time per execution: this process (or the baseline's) and the sandboxes it ran. */
  readonly cpuMsPerExec: number;
}

/** Runs `count` executions, pushes each one's latency; resolves with the CPU ms they used. */
type Batch = (count: number, latencies: number[]) => Promise<number>;

interface Mode {
  readonly name: string;
  readonly batch: Batch;
  readonly close?: () => void;
}

function plainPython(): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, ["-c", PROGRAM], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" } });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(`python3 exited with ${code}`))));
  });
}

async function sandboxed(pool: SandboxPool): Promise<void> {
  const result = await pool.run({ argv: [PYTHON, "-c", PROGRAM], limits: { wallMs: 60_000 } });
  if (result.status !== "ok" || result.exitCode !== 0) throw new Error(`sandboxed run failed: ${result.status} ${result.error ?? result.stderr}`);
}

/** `count` jobs, `concurrency` at once, in this process; CPU measured around the batch. */
function inProcess(job: () => Promise<void>, concurrency: number): Batch {
  return async (count, latencies) => {
    const cpu0 = cpuMsNow();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        const t0 = performance.now();
        await job();
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return cpuMsNow() - cpu0;
  };
}

interface JudgeModeOptions {
  /** Sandboxes started ahead (deps.warm). */
  readonly warm?: number;
  /** A pause before each verdict, not counted in its latency (requests that arrive apart). */
  readonly pauseMs?: number;
}

function judgeBatch(sandbox: "bwrap" | "none", pool: SandboxPool, options: JudgeModeOptions = {}): { batch: Batch; close: () => void } {
  const judge = createCodeTestsJudge("bench", { sandbox, timeout: 60 }, { pool, ...(options.warm !== undefined ? { warm: { size: options.warm } } : {}) });
  const batch: Batch = async (count, latencies) => {
    const cpu0 = cpuMsNow();
    for (let i = 0; i < count; i++) {
      if (options.pauseMs !== undefined) await new Promise((r) => setTimeout(r, options.pauseMs));
      await verdicts(judge, 1, latencies);
    }
    return cpuMsNow() - cpu0;
  };
  return { batch, close: () => void judge.close() };
}

/** The baseline checkout's judge in a child process (bench/lib/judgeWorker.ts). */
function baselineMode(checkout: string): Mode {
  if (!existsSync(join(checkout, "runtime/judges/code_tests/index.ts"))) throw new Error(`--baseline ${checkout}: no runtime/judges/code_tests/index.ts there`);
  const worker = spawn(process.execPath, [...process.execArgv, resolve(import.meta.dirname, "lib/judgeWorker.ts"), resolve(checkout)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
  return {
    name: "code_tests judge, bwrap, sequential (baseline)",
    batch: async (count, latencies) => {
      worker.stdin.write(`${count}\n`);
      const line = await lines.next();
      if (line.done === true) throw new Error("the baseline worker exited (its error is above)");
      const answer = JSON.parse(line.value) as { latencies: number[]; cpuMs: number };
      latencies.push(...answer.latencies);
      return answer.cpuMs;
    },
    close: () => worker.stdin.end(),
  };
}

function modes(options: BenchOptions): Mode[] {
  const one = new SandboxPool({ concurrency: 1 });
  const two = new SandboxPool({ concurrency: 2 });
  return [
    { name: "python3 -c (unsandboxed), sequential", batch: inProcess(plainPython, 1) },
    { name: "bwrap sandbox, sequential", batch: inProcess(() => sandboxed(one), 1) },
    { name: "python3 -c (unsandboxed), 2 at once", batch: inProcess(plainPython, 2) },
    { name: "bwrap sandbox, pool of 2", batch: inProcess(() => sandboxed(two), 2) },
    { name: "code_tests judge, sandbox none, sequential", ...judgeBatch("none", one) },
    { name: "code_tests judge, bwrap, sequential", ...judgeBatch("bwrap", one) },
    { name: "code_tests judge, bwrap, 2 started ahead", ...judgeBatch("bwrap", one, { warm: 2 }) },
    { name: `code_tests judge, bwrap, 2 started ahead, ${PACE_MS} ms apart`, ...judgeBatch("bwrap", one, { warm: 2, pauseMs: PACE_MS }) },
    ...(options.baseline !== undefined ? [baselineMode(options.baseline)] : []),
  ];
}

export async function runSandboxBench(options: BenchOptions): Promise<ModeResult[]> {
  const probe = await probeSandbox();
  if (!probe.ok) throw new Error(`sandbox unavailable: ${probe.reason}`);
  const all = modes(options);
  try {
    const totals = new Map(all.map((m) => [m.name, { execs: 0, seconds: 0, cpuMs: 0, latencies: [] as number[] }]));
    for (const mode of all) await mode.batch(3, []); // warm caches (and the harness's bytecode)
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of all) {
        const total = totals.get(mode.name)!;
        const start = performance.now();
        total.cpuMs += await mode.batch(options.runs, total.latencies);
        total.seconds += (performance.now() - start) / 1000;
        total.execs += options.runs;
      }
    }
    return all.map(({ name }) => {
      const { execs, seconds, cpuMs, latencies } = totals.get(name)!;
      return { mode: name, execs, seconds, perSecond: execs / seconds, msPerExec: (seconds * 1000) / execs, p50Ms: medianOf(latencies), cpuMsPerExec: cpuMs / execs };
    });
  } finally {
    for (const mode of all) mode.close?.();
  }
}

function ratio(results: ModeResult[], mode: string, against: string, key: "msPerExec" | "p50Ms" | "cpuMsPerExec"): number | undefined {
  const a = results.find((r) => r.mode === mode);
  const b = results.find((r) => r.mode === against);
  return a === undefined || b === undefined ? undefined : a[key] / b[key];
}

/**
 * Sequential modes compare median latency and CPU per execution (the latency swings with the
 * load of a shared machine, the CPU time much less); the pool compares sustained throughput;
 * the judge against the baseline checkout compares latency, verdicts per second and CPU.
 */
export function overheadRatios(results: ModeResult[]): Record<string, number | undefined> {
  const judge = "code_tests judge, bwrap, sequential";
  const baseline = "code_tests judge, bwrap, sequential (baseline)";
  const perSecond = (mode: string) => results.find((r) => r.mode === mode)?.perSecond;
  const [head, base] = [perSecond(judge), perSecond(baseline)];
  return {
    sequential: ratio(results, "bwrap sandbox, sequential", "python3 -c (unsandboxed), sequential", "p50Ms"),
    sequential_cpu: ratio(results, "bwrap sandbox, sequential", "python3 -c (unsandboxed), sequential", "cpuMsPerExec"),
    pool_of_2: ratio(results, "bwrap sandbox, pool of 2", "python3 -c (unsandboxed), 2 at once", "msPerExec"),
    judge: ratio(results, judge, "code_tests judge, sandbox none, sequential", "p50Ms"),
    judge_cpu: ratio(results, judge, "code_tests judge, sandbox none, sequential", "cpuMsPerExec"),
    warm_vs_none_p50: ratio(results, `code_tests judge, bwrap, 2 started ahead, ${PACE_MS} ms apart`, "code_tests judge, sandbox none, sequential", "p50Ms"),
    warm_vs_python_p50: ratio(results, `code_tests judge, bwrap, 2 started ahead, ${PACE_MS} ms apart`, "python3 -c (unsandboxed), sequential", "p50Ms"),
    warm_back_to_back_vs_cold_verdicts_per_s: ratio(results, judge, "code_tests judge, bwrap, 2 started ahead", "msPerExec"),
    warm_vs_cold_cpu: ratio(results, `code_tests judge, bwrap, 2 started ahead, ${PACE_MS} ms apart`, judge, "cpuMsPerExec"),
    judge_vs_baseline_p50: ratio(results, judge, baseline, "p50Ms"),
    judge_vs_baseline_verdicts_per_s: head !== undefined && base !== undefined ? head / base : undefined,
    judge_vs_baseline_cpu: ratio(results, judge, baseline, "cpuMsPerExec"),
  };
}

function argValue(args: string[], flag: string, fallback: number): number {
  const index = args.indexOf(flag);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
  return value;
}

const x = (value: number | undefined): string => (value === undefined ? "-" : `${value.toFixed(2)}x`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const baselineAt = args.indexOf("--baseline");
  const baseline = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
  if (baselineAt >= 0 && baseline === undefined) throw new Error("--baseline needs a checkout directory");
  const options: BenchOptions = { runs: argValue(args, "--runs", 60), rounds: argValue(args, "--rounds", 3), ...(baseline !== undefined ? { baseline } : {}) };
  const before = loadLine("before");
  const results = await runSandboxBench(options);
  const ratios = overheadRatios(results);
  const after = loadLine("after");
  if (args.includes("--json")) {
    console.log(JSON.stringify({ bench: "sandbox", options, load: [before, after], results, overhead: ratios }));
    return;
  }
  console.log(`sandbox bench: ${options.rounds} rounds x ${options.runs} runs per mode, program: python3 -c ${JSON.stringify(PROGRAM)}; ${before}`);
  for (const r of results) {
    console.log(`  ${r.mode.padEnd(48)} ${r.perSecond.toFixed(1).padStart(7)} execs/s  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  CPU ${r.cpuMsPerExec.toFixed(1).padStart(5)} ms/exec`);
  }
  console.log(
    `overhead (sandboxed / unsandboxed): sequential ${x(ratios.sequential)} median latency, ${x(ratios.sequential_cpu)} CPU; pool of 2 ${x(ratios.pool_of_2)} throughput; ` +
      `judge ${x(ratios.judge)} median latency, ${x(ratios.judge_cpu)} CPU`,
  );
  console.log(
    `started ahead, requests ${PACE_MS} ms apart: median latency ${x(ratios.warm_vs_none_p50)} the judge with sandbox none, ${x(ratios.warm_vs_python_p50)} a bare python3 -c pass, ` +
      `CPU per verdict ${x(ratios.warm_vs_cold_cpu)} a fresh sandbox's; back to back: ${x(ratios.warm_back_to_back_vs_cold_verdicts_per_s)} the verdicts/s of fresh sandboxes`,
  );
  if (baseline !== undefined) {
    console.log(
      `judge against the baseline (${baseline}): p50 ${x(ratios.judge_vs_baseline_p50)}, verdicts/s ${x(ratios.judge_vs_baseline_verdicts_per_s)}, CPU per verdict ${x(ratios.judge_vs_baseline_cpu)}`,
    );
  }
  console.log(after);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
