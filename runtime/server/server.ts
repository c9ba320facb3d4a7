/**
 * The judge server (docs/architecture.md, docs/plan.md "Judge server HTTP contract"): node:http, no
 * framework. The training worker posts batches of samples for a task and gets per-judge
 * verdicts and feasibility back.
 *
 * Load control: a batch holds a queue slot from the moment its body has fully arrived until its
 * answer is sent; a full queue answers 429 with Retry-After at once. Uploads hold no slot (a
 * stalled client cannot deny service to others): they are bounded by per-connection header,
 * body-gap and whole-request timeouts and by a byte budget for all uploads together. Shutdown
 * stops accepting, ends uploads in progress with 503, lets every batch that holds a slot
 * finish (until the shutdown timeout), answers 503 to anything new on a kept-alive
 * connection, then closes.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PoolSizes, SampleResult, TaskRuntime } from "../judges/moj.js";
import { buildTasks, createPools, judgeBatch } from "../judges/moj.js";
import type { MojPools } from "../judges/moj.js";
import type { JudgeFactoryContext, JudgePlan } from "../judges/plan-config.js";
import { createJudges, defaultFactoryContext } from "../judges/registry.js";
import type { Judge } from "../judges/types.js";
import { SandboxPool } from "../sandbox/index.js";
import { BodyAborted, BodyStalled, BodyTooLarge, discardRest, readBody, sendError, sendJson, sendText, UploadBudget, UploadsOverBudget } from "./http.js";
import { parseJudgeRequest } from "./request.js";
import type { JudgeRequest } from "./request.js";
import { toResponse } from "./response.js";
import { ServerMetrics } from "./server-metrics.js";

export interface JudgeServerOptions {
  /** Default 127.0.0.1: the judges are for the training job, not the world. */
  readonly host?: string;
  /** Default 8765; 0 picks a free port (tests). */
  readonly port?: number;
  /** Directory relative plan paths (custom judge modules) resolve against; default cwd. */
  readonly baseDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** On-disk LLM reply cache directory; default none (memory only). */
  readonly cacheDir?: string | null;
  /** Largest request body in bytes; default 32 MiB. */
  readonly maxBodyBytes?: number;
  /** Most batches being judged (bodies fully received) before 429; default 64. */
  readonly maxQueue?: number;
  /** Bytes all uploads in progress may hold together before 429; default maxQueue × maxBodyBytes. */
  readonly maxUploadBytes?: number;
  /** Time a client has to send the request headers; default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Longest gap between two pieces of a request body; default 10 s (then 408). */
  readonly bodyIdleTimeoutMs?: number;
  /** Time a client has to send a whole request, headers and body; default 120 s. */
  readonly requestTimeoutMs?: number;
  /** Most samples in one batch; default 10,000. */
  readonly maxBatchSamples?: number;
  /** The Retry-After sent with 429, in seconds; default 1. */
  readonly retryAfterSeconds?: number;
  readonly pools?: PoolSizes;
  /** Add each verdict's `detail` to responses (not in the v1 contract); default false. */
  readonly includeDetail?: boolean;
  /** How long close() waits for in-flight batches before cancelling them; default 120 s. */
  readonly shutdownTimeoutMs?: number;
  /**
   * code_tests sandboxes started ahead, per code judge (lower latency per verdict, the same
   * CPU; docs/judges/code_tests.md); 0 or absent: none. Discarded when the server closes.
   */
  readonly sandboxWarm?: number;
  /** Prebuilt judges by name (tests, bench); by default built from the plan by the registry. */
  readonly judges?: ReadonlyMap<string, Judge>;
  readonly llm?: JudgeFactoryContext["llm"];
}

export interface JudgeServer {
  /** `http://host:port` as bound (with the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Graceful: stop accepting, finish in-flight batches, then close. Idempotent. */
  close(): Promise<void>;
}

interface Limits {
  readonly maxBodyBytes: number;
  readonly bodyIdleTimeoutMs: number;
  readonly maxQueue: number;
  readonly maxBatchSamples: number;
  readonly retryAfterSeconds: number;
  readonly includeDetail: boolean;
}

interface State {
  readonly tasks: ReadonlyMap<string, TaskRuntime>;
  readonly pools: MojPools;
  readonly metrics: ServerMetrics;
  readonly limits: Limits;
  /** One controller per batch being judged; aborted at the shutdown deadline. */
  readonly batches: Set<AbortController>;
  /** Requests whose body is still arriving; ended with 503 at shutdown. */
  readonly uploads: Map<IncomingMessage, ServerResponse>;
  readonly uploadBudget: UploadBudget;
  deadlinePassed: boolean;
  inflight: number;
  closing: boolean;
  drained: (() => void) | null;
}

export async function startJudgeServer(plan: JudgePlan, options: JudgeServerOptions = {}): Promise<JudgeServer> {
  const pools = createPools(options.pools);
  // One sandbox pool for every code judge, as wide as the MoJ's code lane.
  const sandbox = new SandboxPool({ concurrency: pools.code.size });
  const judges = options.judges ?? (await createJudges(plan, factoryContext(plan, options, sandbox)));
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const limits: Limits = {
    maxBodyBytes,
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? 10_000,
    maxQueue: options.maxQueue ?? 64,
    maxBatchSamples: options.maxBatchSamples ?? 10_000,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    includeDetail: options.includeDetail ?? false,
  };
  const state: State = {
    tasks: buildTasks(plan, judges),
    pools,
    metrics: new ServerMetrics(judges, { inflight: () => state.inflight, capacity: () => limits.maxQueue, sandbox: () => sandbox.stats() }),
    limits,
    batches: new Set(),
    uploads: new Map(),
    uploadBudget: new UploadBudget(options.maxUploadBytes ?? limits.maxQueue * maxBodyBytes),
    deadlinePassed: false,
    inflight: 0,
    closing: false,
    drained: null,
  };
  const server = createServer(connectionTimeouts(options), (request, response) => {
    handle(state, request, response).catch((error: unknown) => internalError(state, response, error));
  });
  await listen(server, options.host ?? "127.0.0.1", options.port ?? 8765);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => (closing ??= shutdown(server, state, options.shutdownTimeoutMs ?? 120_000).then(() => closeJudges(judges))),
  };
}

/** Judges that hold resources of their own (code_tests' sandboxes started ahead) let them go. */
async function closeJudges(judges: ReadonlyMap<string, Judge>): Promise<void> {
  await Promise.all([...judges.values()].map((judge) => (judge as { close?: () => Promise<void> }).close?.()));
}

function factoryContext(plan: JudgePlan, options: JudgeServerOptions, sandboxPool: SandboxPool): JudgeFactoryContext {
  const warm = options.sandboxWarm ?? 0;
  if (!Number.isInteger(warm) || warm < 0 || warm > 64) throw new Error(`sandboxWarm must be an integer from 0 to 64, got ${warm}`);
  return defaultFactoryContext(plan, {
    sandboxPool,
    ...(warm > 0 ? { sandboxWarm: { size: warm } } : {}),
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    ...(options.env === undefined ? {} : { env: options.env }),
    cacheDir: options.cacheDir ?? null,
    ...(options.llm === undefined ? {} : { llm: options.llm }),
  });
}

/**
 * Node's own per-connection limits: headers must arrive within `headersTimeoutMs` and the
 * whole request within `requestTimeoutMs` (else 408 and the connection closes). Node checks
 * them every `connectionsCheckingInterval`, 30 s by default: far too coarse here.
 */
function connectionTimeouts(options: JudgeServerOptions): ServerOptions {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 120_000, headersTimeout);
  return { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1_000, headersTimeout / 4)) };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function handle(state: State, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const route = path === "/v1/judge" || path === "/healthz" || path === "/metrics" ? path : "other";
  response.once("finish", () => state.metrics.request(route, response.statusCode));
  if (state.closing) {
    discardRest(request);
    sendError(response, 503, "shutting_down", "the judge server is shutting down", { connection: "close" });
    return;
  }
  if (route === "other") return sendError(response, 404, "not_found", `no route ${path}`);
  const method = route === "/v1/judge" ? "POST" : "GET";
  if (request.method !== method) {
    discardRest(request);
    return sendError(response, 405, "method_not_allowed", `${path} takes ${method}`, { allow: method });
  }
  if (route === "/healthz") return sendJson(response, 200, { status: "ok" });
  if (route === "/metrics") return sendText(response, 200, state.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  return judgeRoute(state, request, response);
}

function queueFull(state: State, request: IncomingMessage, response: ServerResponse): void {
  discardRest(request);
  const message = `${state.inflight} batches in flight (the most is ${state.limits.maxQueue}); retry later`;
  sendError(response, 429, "queue_full", message, { "retry-after": String(state.limits.retryAfterSeconds) });
}

async function judgeRoute(state: State, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // Refused at once when the queue is full; checked again once the body is in.
  if (state.inflight >= state.limits.maxQueue) return queueFull(state, request, response);
  const body = await receiveBody(state, request, response);
  if (body === null) return;
  if (state.closing) return sendError(response, 503, "shutting_down", "the judge server is shutting down", { connection: "close" });
  if (state.inflight >= state.limits.maxQueue) return queueFull(state, request, response);
  state.inflight += 1;
  try {
    await judgeRequest(state, body, response);
  } finally {
    state.inflight -= 1;
    if (state.inflight === 0) state.drained?.();
  }
}

/** The whole body, or null when it was refused (and answered) or the client went away. */
async function receiveBody(state: State, request: IncomingMessage, response: ServerResponse): Promise<Buffer | null> {
  state.uploads.set(request, response);
  try {
    return await readBody(request, { maxBytes: state.limits.maxBodyBytes, idleMs: state.limits.bodyIdleTimeoutMs, budget: state.uploadBudget });
  } catch (error) {
    if (error instanceof BodyAborted || response.headersSent) return null;
    discardRest(request);
    if (error instanceof BodyTooLarge) sendError(response, 413, "payload_too_large", `body: larger than ${error.limit} bytes`, { connection: "close" });
    else if (error instanceof BodyStalled) sendError(response, 408, "request_timeout", `body: ${error.message}`, { connection: "close" });
    else if (error instanceof UploadsOverBudget) sendError(response, 429, "queue_full", `${error.message}; retry later`, { "retry-after": String(state.limits.retryAfterSeconds), connection: "close" });
    else throw error;
    return null;
  } finally {
    state.uploads.delete(request);
  }
}

async function judgeRequest(state: State, body: Buffer, response: ServerResponse): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    return sendError(response, 400, "bad_request", `body: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = parseJudgeRequest(json, state.limits.maxBatchSamples);
  if (!parsed.ok) return sendError(response, 400, "bad_request", parsed.message);
  const task = state.tasks.get(parsed.request.task);
  if (task === undefined) {
    const known = [...state.tasks.keys()].join(", ");
    return sendError(response, 404, "unknown_task", `task: no task ${JSON.stringify(parsed.request.task)} in this plan (tasks: ${known})`);
  }
  const started = performance.now();
  const results = await judgeWhileConnected(state, task, parsed.request, response);
  const totalMs = performance.now() - started;
  state.metrics.batch(task, results, totalMs / 1000);
  const headers: Record<string, string> = state.closing ? { connection: "close" } : {};
  sendJson(response, 200, toResponse(task.name, parsed.request.ids, results, totalMs, state.limits.includeDetail), headers);
}

/**
 * Judge the batch, cancelling it if the client goes away (a worker that timed out will resend;
 * finishing would only burn LLM budget and sandbox time) or the shutdown deadline passes.
 */
async function judgeWhileConnected(state: State, task: TaskRuntime, request: JudgeRequest, response: ServerResponse): Promise<SampleResult[]> {
  const batch = new AbortController();
  // Registered in a set rather than as a listener on one shared signal: 64 batches in flight
  // would otherwise trip Node's listener-leak warning.
  state.batches.add(batch);
  if (state.deadlinePassed) batch.abort();
  const onClose = (): void => {
    if (!response.writableFinished) batch.abort();
  };
  response.once("close", onClose);
  try {
    return await judgeBatch(task, request.samples, state.pools, { signal: batch.signal });
  } finally {
    state.batches.delete(batch);
    response.off("close", onClose);
  }
}

function internalError(state: State, response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // The message is ours or a judge library's; it names no secret (keys are redacted at source).
  const message = error instanceof Error ? error.message : String(error);
  sendError(response, 500, "internal", message.slice(0, 500), state.closing ? { connection: "close" } : {});
}

/** Uploads in progress at shutdown get 503 and their connection is closed shortly after. */
function endUploads(state: State): void {
  for (const [request, response] of state.uploads) {
    if (response.headersSent) continue;
    discardRest(request, 500);
    sendError(response, 503, "shutting_down", "the judge server is shutting down", { connection: "close" });
  }
}

async function shutdown(server: Server, state: State, timeoutMs: number): Promise<void> {
  state.closing = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  endUploads(state);
  if (state.inflight > 0) {
    const drained = new Promise<void>((resolve) => (state.drained = resolve));
    const deadline = setTimeout(() => {
      state.deadlinePassed = true;
      for (const batch of state.batches) batch.abort();
    }, timeoutMs);
    await drained;
    clearTimeout(deadline);
  }
  // Answers sent while closing carried `Connection: close`; whatever is left idle goes now.
  server.closeIdleConnections();
  const straggler = setTimeout(() => server.closeAllConnections(), 1_000);
  straggler.unref();
  await closed;
  clearTimeout(straggler);
}
