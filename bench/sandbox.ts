/**
 * Sandbox benchmark: sandboxed executions per second of a trivial Python program, one at a
 * time and with a pool of 2, against the same program started unsandboxed (`python3 -c`)
 * in the same run, plus the code_tests judge end to end with and without the sandbox.
 * Rounds of each mode are interleaved so that a change in machine load hits all of them.
 *
 *   npx tsx bench/sandbox.ts [--runs 60] [--rounds 3] [--json]
 */
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createCodeTestsJudge } from "../runtime/judges/code_tests/index.js";
import { probeSandbox, SandboxPool } from "../runtime/sandbox/index.js";

const PYTHON = "/usr/bin/python3";
const PROGRAM = "pass";

export interface BenchOptions {
  readonly runs: number;
  readonly rounds: number;
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
}

type Job = () => Promise<void>;

function plainPython(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", PROGRAM], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" } });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`python3 exited with ${code}`))));
  });
}

function sandboxed(pool: SandboxPool): Job {
  return async () => {
    const result = await pool.run({ argv: [PYTHON, "-c", PROGRAM], limits: { wallMs: 60_000 } });
    if (result.status !== "ok" || result.exitCode !== 0) throw new Error(`sandboxed run failed: ${result.status} ${result.error ?? result.stderr}`);
  };
}

function judged(sandbox: "bwrap" | "none", pool: SandboxPool): Job {
  const judge = createCodeTestsJudge("bench", { sandbox, timeout: 60 }, { pool });
  const sample = { prompt: "", response: "```python\ndef add(a, b):\n    return a + b\n```", fields: { tests: ["assert add(1, 2) == 3"] } };
  return async () => {
    const verdict = await judge.evaluate(sample, {});
    if (verdict.status !== "satisfied") throw new Error(`judge said ${verdict.status} ${verdict.reason} ${verdict.detail ?? ""}`);
  };
}

/** Run `job` `count` times with `concurrency` at once; wall seconds, and each job's ms. */
async function timed(job: Job, count: number, concurrency: number, latencies: number[] = []): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const t0 = performance.now();
      await job();
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - start) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Mode {
  readonly name: string;
  readonly job: Job;
  readonly concurrency: number;
}

function modes(): Mode[] {
  const one = new SandboxPool({ concurrency: 1 });
  const two = new SandboxPool({ concurrency: 2 });
  return [
    { name: "python3 -c (unsandboxed), sequential", job: plainPython, concurrency: 1 },
    { name: "bwrap sandbox, sequential", job: sandboxed(one), concurrency: 1 },
    { name: "python3 -c (unsandboxed), 2 at once", job: plainPython, concurrency: 2 },
    { name: "bwrap sandbox, pool of 2", job: sandboxed(two), concurrency: 2 },
    { name: "code_tests judge, sandbox none, sequential", job: judged("none", one), concurrency: 1 },
    { name: "code_tests judge, bwrap, sequential", job: judged("bwrap", one), concurrency: 1 },
  ];
}

export async function runSandboxBench(options: BenchOptions): Promise<ModeResult[]> {
  const probe = await probeSandbox();
  if (!probe.ok) throw new Error(`sandbox unavailable: ${probe.reason}`);
  const all = modes();
  const totals = new Map(all.map((m) => [m.name, { execs: 0, seconds: 0, latencies: [] as number[] }]));
  for (const mode of all) await timed(mode.job, 3, mode.concurrency); // warm caches
  for (let round = 0; round < options.rounds; round++) {
    for (const mode of all) {
      const total = totals.get(mode.name)!;
      total.seconds += await timed(mode.job, options.runs, mode.concurrency, total.latencies);
      total.execs += options.runs;
    }
  }
  return all.map(({ name }) => {
    const { execs, seconds, latencies } = totals.get(name)!;
    return { mode: name, execs, seconds, perSecond: execs / seconds, msPerExec: (seconds * 1000) / execs, p50Ms: median(latencies) };
  });
}

function ratio(results: ModeResult[], sandboxedMode: string, plainMode: string, key: "msPerExec" | "p50Ms"): number {
  const find = (name: string): ModeResult => results.find((r) => r.mode === name)!;
  return find(sandboxedMode)[key] / find(plainMode)[key];
}

/** Sequential modes compare median latency; the pool compares sustained throughput. */
export function overheadRatios(results: ModeResult[]): Record<string, number> {
  return {
    sequential: ratio(results, "bwrap sandbox, sequential", "python3 -c (unsandboxed), sequential", "p50Ms"),
    pool_of_2: ratio(results, "bwrap sandbox, pool of 2", "python3 -c (unsandboxed), 2 at once", "msPerExec"),
    judge: ratio(results, "code_tests judge, bwrap, sequential", "code_tests judge, sandbox none, sequential", "p50Ms"),
  };
}

function argValue(args: string[], flag: string, fallback: number): number {
  const index = args.indexOf(flag);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options = { runs: argValue(args, "--runs", 60), rounds: argValue(args, "--rounds", 3) };
  const results = await runSandboxBench(options);
  const ratios = overheadRatios(results);
  if (args.includes("--json")) {
    console.log(JSON.stringify({ bench: "sandbox", options, results, overhead: ratios }));
    return;
  }
  console.log(`sandbox bench: ${options.rounds} rounds x ${options.runs} runs per mode, program: python3 -c ${JSON.stringify(PROGRAM)}`);
  for (const r of results) console.log(`  ${r.mode.padEnd(44)} ${r.perSecond.toFixed(1).padStart(7)} execs/s  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms`);
  console.log(
    `overhead (sandboxed / unsandboxed): sequential ${ratios.sequential!.toFixed(2)}x (median latency), pool of 2 ${ratios.pool_of_2!.toFixed(2)}x (throughput), judge ${ratios.judge!.toFixed(2)}x (median latency); aim < 2x`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
