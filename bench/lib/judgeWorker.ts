/**
 * A code_tests judge from another checkout (the baseline of bench/sandbox.ts), run in its own
 * process: two copies of the sandbox runner in one process would share their cgroup names.
 * Each stdin line "N" runs N verdicts one at a time; each answer is one JSON line
 * `{ latencies, cpuMs }` (wall ms per verdict; CPU ms of this process and its sandboxes).
 *
 *   npx tsx bench/lib/judgeWorker.ts CHECKOUT
 */
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { procCpuMs } from "./measure.js";

interface AnyJudge {
  evaluate(sample: never, context: never): { status: string; reason: string; detail?: string } | Promise<{ status: string; reason: string; detail?: string }>;
}
type Factory = (name: string, config: unknown) => AnyJudge;

export const BENCH_SAMPLE = { prompt: "", response: "```python\ndef add(a, b):\n    return a + b\n```", fields: { tests: ["assert add(1, 2) == 3"] } };

/** CPU ms of this process and of its children that have exited (the sandboxes). */
export function cpuMsNow(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e3 + (procCpuMs("self", true) ?? 0);
}

export async function verdicts(judge: AnyJudge, count: number, latencies: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const verdict = await judge.evaluate(BENCH_SAMPLE as never, {} as never);
    if (verdict.status !== "satisfied") throw new Error(`judge said ${verdict.status} ${verdict.reason} ${verdict.detail ?? ""}`);
    latencies.push(performance.now() - t0);
  }
}

async function main(checkout: string): Promise<void> {
  const module = (await import(pathToFileURL(resolve(checkout, "runtime/judges/code_tests/index.ts")).href)) as { createCodeTestsJudge: Factory };
  const judge = module.createCodeTestsJudge("baseline", { sandbox: "bwrap", timeout: 60 });
  for await (const line of createInterface({ input: process.stdin })) {
    const latencies: number[] = [];
    const cpu0 = cpuMsNow();
    await verdicts(judge, Number(line), latencies);
    process.stdout.write(`${JSON.stringify({ latencies, cpuMs: cpuMsNow() - cpu0 })}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const checkout = process.argv[2];
  if (checkout === undefined) throw new Error("usage: judgeWorker.ts CHECKOUT");
  main(checkout).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
