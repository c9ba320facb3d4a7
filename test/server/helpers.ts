/** Shared bits of the judge-server tests: a plan with real custom judges, and HTTP helpers. */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JudgePlan, PlanJudgeConfig } from "../../runtime/judges/plan-config.js";

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

function custom(exportName: string, extra: Record<string, unknown> = {}): PlanJudgeConfig {
  return { variant: "custom", on_error: "violated", scope: null, module: "judges.mjs", export: exportName, options: {}, ...extra };
}

/** reasoning: `slow` (sleeps `fields.sleep_ms`) and `answer` (scoped to math); chat: `throws`. */
export function testPlan(): JudgePlan {
  return {
    version: 1,
    models: {},
    judges: {
      slow: custom("slow"),
      answer: custom("answer", { scope: [{ dataset: "math" }] }),
      throws: custom("throws", { on_error: "skip_sample" }),
    },
    tasks: {
      reasoning: { prompts: [{ dataset: "math" }, { dataset: "apps" }], judges: [{ judge: "slow" }, { judge: "answer" }] },
      chat: { prompts: [{ dataset: "chat" }], judges: [{ judge: "throws" }] },
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

export async function postJson(url: string, body: unknown): Promise<Reply> {
  const response = await fetch(`${url}/v1/judge`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

export function batch(ids: string[], fields: Record<string, unknown> = {}, source = "math"): unknown {
  return { task: "reasoning", samples: ids.map((id) => ({ id, prompt: "2+2?", response: "4", fields: { answer: "4", ...fields }, source })) };
}

/** A chunked POST (no Content-Length) of `size` bytes, to test the streaming size limit. */
export function postChunked(url: string, size: number): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: "/v1/judge", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/** Raw HTTP/1.1 over one socket: lets a test pipeline a second request behind a slow one. */
export function rawSocket(url: string): { send(text: string): void; received(): string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (data += chunk));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => undefined);
  return { send: (text) => socket.write(text), received: () => data, closed };
}

export function httpPost(host: string, path: string, body: string, extraHeaders = ""): string {
  return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll /metrics until `n` batches are in flight (the machine may be slow; sleeps would race). */
export async function waitForInflight(url: string, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const match = /^align_judge_inflight_batches (\d+)$/m.exec(text);
    if (match !== null && Number(match[1]) >= n) return;
    await sleep(10);
  }
  throw new Error(`fewer than ${n} batches in flight after ${timeoutMs} ms`);
}
