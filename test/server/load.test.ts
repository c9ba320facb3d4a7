import { describe, expect, it } from "vitest";
import { startJudgeServer } from "../../runtime/server/index.js";
import { batch, fixtures, httpPost, postJson, rawSocket, sleep, testPlan, waitForInflight } from "./helpers.js";
import { parseExposition, sampleValue } from "./prometheus.js";

describe("judge server under load", () => {
  it("answers 20 concurrent clients × 10 requests each exactly once, with their own ids", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures });
    try {
      const clients = Array.from({ length: 20 }, async (_, client) => {
        const answered: string[] = [];
        for (let request = 0; request < 10; request += 1) {
          const ids = Array.from({ length: 5 }, (_, i) => `c${client}-r${request}-s${i}`);
          const reply = await postJson(server.url, batch(ids, { sleep_ms: (client + request) % 3 }));
          expect(reply.status).toBe(200);
          expect(reply.json.results.map((r: { id: string }) => r.id)).toEqual(ids);
          answered.push(...ids);
        }
        return answered;
      });
      const all = (await Promise.all(clients)).flat();
      expect(all).toHaveLength(20 * 10 * 5);
      expect(new Set(all).size).toBe(all.length);
      const metrics = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
      expect(sampleValue(metrics, "align_judge_http_requests_total", { route: "/v1/judge", code: "200" })).toBe(200);
      expect(sampleValue(metrics, "align_judge_verdicts_total", { judge: "slow", status: "satisfied" })).toBe(1000);
    } finally {
      await server.close();
    }
  });

  it("answers 429 with Retry-After when the queue of in-flight batches is full, then recovers", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, maxQueue: 2, retryAfterSeconds: 3 });
    try {
      const slow = [postJson(server.url, batch(["a"], { sleep_ms: 300 })), postJson(server.url, batch(["b"], { sleep_ms: 300 }))];
      await waitForInflight(server.url, 2);
      const refused = await postJson(server.url, batch(["c"]));
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("3");
      expect(refused.json.error.code).toBe("queue_full");
      const done = await Promise.all(slow);
      expect(done.map((r) => r.status)).toEqual([200, 200]);
      expect((await postJson(server.url, batch(["d"]))).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("finishes the in-flight batch on shutdown and refuses new work", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures });
    const inflight = postJson(server.url, batch(["slow-1", "slow-2"], { sleep_ms: 400 }));
    await waitForInflight(server.url, 1);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await sleep(20);
    // A new connection is refused (the listener is closed) or answered 503.
    const late = await postJson(server.url, batch(["late"])).then((r) => r.status, (error: Error) => (error.cause as { code?: string })?.code ?? error.message);
    expect([503, "ECONNREFUSED", "ECONNRESET"]).toContain(late);
    expect(closed).toBe(false);
    const reply = await inflight;
    expect(reply.status).toBe(200);
    expect(reply.json.results.map((r: { id: string }) => r.id)).toEqual(["slow-1", "slow-2"]);
    await closing;
    expect(closed).toBe(true);
  });

  it("answers 503 to a request that arrives on a live connection during shutdown", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures });
    const host = new URL(server.url).host;
    const first = rawSocket(server.url);
    first.send(httpPost(host, "/v1/judge", JSON.stringify(batch(["first"], { sleep_ms: 300 }))));
    // A second connection that has begun a request (so it is not idle) when shutdown starts.
    const second = rawSocket(server.url);
    const late = httpPost(host, "/v1/judge", JSON.stringify(batch(["second"])));
    second.send(late.slice(0, 20));
    await waitForInflight(server.url, 1);
    await sleep(50);
    const closing = server.close();
    await sleep(20);
    second.send(late.slice(20));
    await closing;
    await Promise.all([first.closed, second.closed]);
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(first.received()).toContain('"id":"first"');
    expect(second.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(second.received()).toContain("shutting_down");
  });

  it("cancels batches still running at the shutdown deadline instead of hanging", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, shutdownTimeoutMs: 50, pools: { default: 1 } });
    // Two samples of one slow judge through a one-slot pool: the second starts after the deadline.
    const inflight = postJson(server.url, batch(["x", "y"], { sleep_ms: 200 }));
    await waitForInflight(server.url, 1);
    await server.close();
    const reply = await inflight;
    expect(reply.status).toBe(200);
    expect(reply.json.results[0].verdicts.slow.status).toBe("satisfied");
    expect(reply.json.results[1].verdicts.slow).toMatchObject({ status: "error", reason: "aborted" });
  });

  it("cancels the rest of a batch whose client went away", async () => {
    const server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, pools: { default: 1 } });
    try {
      const client = new AbortController();
      const gone = fetch(`${server.url}/v1/judge`, { method: "POST", body: JSON.stringify(batch(["a", "b", "c"], { sleep_ms: 100 })), signal: client.signal }).catch(() => "aborted");
      await waitForInflight(server.url, 1);
      client.abort();
      expect(await gone).toBe("aborted");
      const deadline = Date.now() + 5_000;
      let metrics = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
      while (sampleValue(metrics, "align_judge_inflight_batches") !== 0 && Date.now() < deadline) {
        await sleep(20);
        metrics = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
      }
      // The first sample was already running; the others never started.
      expect(sampleValue(metrics, "align_judge_verdicts_total", { judge: "slow", status: "error" })).toBe(2);
    } finally {
      await server.close();
    }
  });
});
