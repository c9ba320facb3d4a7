/**
 * Judge-server throughput and latency under a load generator on loopback.
 *
 *   npx tsx bench/server.ts            (about 15 s; `--seconds N` per scenario, default 4)
 *
 * The server runs in a child process (its own event loop, as in production) with rule judges
 * only, so the figures measure the server, not a judge model or a sandbox. The parent keeps
 * C clients busy with batches of B samples for a fixed time and reports requests/s, samples/s,
 * verdicts/s and per-request latency p50/p99. A bare node:http server that reads the body,
 * parses it and answers a canned reply of the same size runs the same load first: the ratio
 * to it is the cost of the judge server itself on this machine.
 */
import { spawn } from "node:child_process";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { JudgePlan, PlanJudgeConfig } from "../runtime/judges/plan-config.js";
import { createJudge } from "../runtime/judges/registry.js";
import type { Judge } from "../runtime/judges/types.js";
import { startJudgeServer } from "../runtime/server/index.js";

const RULE_JUDGES: Record<string, PlanJudgeConfig> = {
  format: { variant: "instructions", on_error: "violated", scope: null, requirements: { field: "if_requirements" }, mode: "strict" },
  no_apology: { variant: "regex", on_error: "violated", scope: null, pattern: "as an AI (language )?model", flags: "i", expect: "no_match" },
  mentions: { variant: "contains", on_error: "violated", scope: null, values: ["answer"], mode: "any", case_sensitive: false },
  short: { variant: "length", on_error: "violated", scope: null, unit: "words", min: 1, max: 200 },
};

/** The rule judges this build has (others are still being written): name → built judge. */
async function availableJudges(): Promise<{ plan: JudgePlan; judges: Map<string, Judge>; missing: string[] }> {
  const judges = new Map<string, Judge>();
  const missing: string[] = [];
  const plan0: JudgePlan = { judges: RULE_JUDGES, tasks: {} };
  for (const [name, config] of Object.entries(RULE_JUDGES)) {
    try {
      judges.set(name, await createJudge(name, config, { plan: plan0, baseDir: process.cwd(), env: {}, cacheDir: null }));
    } catch {
      missing.push(`${name} (${config.variant})`);
    }
  }
  const names = [...judges.keys()];
  return { plan: { judges: RULE_JUDGES, tasks: { bench: { prompts: [], judges: names.map((judge) => ({ judge })) } } }, judges, missing };
}

async function serve(): Promise<void> {
  const { plan, judges, missing } = await availableJudges();
  const server = await startJudgeServer(plan, { port: 0, judges, maxQueue: 1024 });
  process.stdout.write(`${JSON.stringify({ url: server.url, judges: [...judges.keys()], missing })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

/** The baseline: node:http, JSON.parse of the body, a canned answer; no validation, no judges. */
async function serveBaseline(): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { task: string; samples: Array<{ id: string }> };
      const verdict = { status: "satisfied", reason: "ok", latency_ms: 0.01 };
      const results = parsed.samples.map((s) => ({ id: s.id, feasible: true, skip: false, verdicts: { format: verdict } }));
      const text = JSON.stringify({ task: parsed.task, results, timings: { total_ms: 0.1 } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, judges: ["format"], missing: [] })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}

const RESPONSE = "The answer is forty two. it follows from the question without any comma at all.";

function body(batch: number, round: number): string {
  const samples = Array.from({ length: batch }, (_, i) => ({
    id: `r${round}-s${i}`,
    prompt: "What is six times seven? answer in lowercase without commas.",
    response: i % 4 === 0 ? `${RESPONSE}, As an AI model I cannot.` : RESPONSE,
    fields: { if_requirements: [{ id: "punctuation:no_comma" }, { id: "change_case:english_lowercase" }] },
  }));
  return JSON.stringify({ task: "bench", samples });
}

function post(agent: Agent, url: URL, payload: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: "/v1/judge", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

interface Scenario {
  readonly clients: number;
  readonly batch: number;
}

async function load(url: URL, scenario: Scenario, seconds: number, judges: number): Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: scenario.clients });
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const payloads = Array.from({ length: 8 }, (_, round) => body(scenario.batch, round));
  const client = async (index: number): Promise<void> => {
    for (let round = 0; performance.now() < deadline; round += 1) {
      const started = performance.now();
      const status = await post(agent, url, payloads[(index + round) % payloads.length] as string);
      latencies.push(performance.now() - started);
      if (status !== 200) failures += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: scenario.clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number): string => (latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? 0).toFixed(2);
  const requests = latencies.length / elapsed;
  return [
    `clients=${String(scenario.clients).padStart(2)} batch=${String(scenario.batch).padStart(3)}`,
    `${requests.toFixed(0).padStart(6)} req/s`,
    `${(requests * scenario.batch).toFixed(0).padStart(7)} samples/s`,
    `${(requests * scenario.batch * judges).toFixed(0).padStart(7)} verdicts/s`,
    `p50 ${pick(0.5).padStart(7)} ms  p99 ${pick(0.99).padStart(7)} ms`,
    failures > 0 ? `non-200: ${failures}` : "",
  ].join("  ");
}

interface Child {
  readonly info: { url: string; judges: string[]; missing: string[] };
  stop(): Promise<void>;
}

async function startChild(mode: "--serve" | "--serve-baseline"): Promise<Child> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.once("data", (chunk: string) => resolve(chunk.split("\n")[0] as string));
    child.once("exit", (code) => reject(new Error(`${mode} exited with ${code}`)));
  });
  return {
    info: JSON.parse(first) as Child["info"],
    stop: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

const SCENARIOS: readonly Scenario[] = [{ clients: 16, batch: 1 }, { clients: 16, batch: 16 }, { clients: 8, batch: 128 }];

async function main(): Promise<void> {
  const secondsArg = process.argv.indexOf("--seconds");
  const seconds = secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : 4;
  for (const mode of ["--serve-baseline", "--serve"] as const) {
    const child = await startChild(mode);
    const { info } = child;
    const url = new URL(info.url);
    if (mode === "--serve-baseline") console.log(`baseline (bare node:http + JSON.parse, no judges), ${seconds}s per scenario, node ${process.version}`);
    else {
      console.log(`judge server: ${info.judges.length} rule judge(s) (${info.judges.join(", ")})`);
      if (info.missing.length > 0) console.log(`  not in this build yet: ${info.missing.join(", ")}`);
    }
    // Warm-up: JIT, sockets, caches; not measured.
    await load(url, { clients: 4, batch: 8 }, 1, info.judges.length);
    for (const scenario of SCENARIOS) console.log(`  ${await load(url, scenario, seconds, info.judges.length)}`);
    await child.stop();
  }
}

if (process.argv.includes("--serve")) await serve();
else if (process.argv.includes("--serve-baseline")) await serveBaseline();
else await main();
