/**
 * Slow and stalled clients against the real server on loopback, with real sockets: uploads
 * hold no queue slot, every connection is bounded in time, and a shutdown is not held up by
 * a client that stopped sending mid-body.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startJudgeServer, type JudgeServer } from "../../runtime/server/index.js";
import { batch, fixtures, postJson, testPlan } from "./helpers.js";

const sockets: Socket[] = [];
afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

interface Stalled {
  readonly received: () => string;
  /** Resolves with the milliseconds from opening until the server closed the connection. */
  readonly closed: Promise<number>;
}

/** A client that sends the headers of a 1000-byte POST and `sentBytes` of its body, then stops. */
async function stalledUpload(url: string, sentBytes: number, headersOnly = false): Promise<Stalled> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  const opened = Date.now();
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (data += chunk));
  socket.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - opened)));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const head = `POST /v1/judge HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n`;
  socket.write(headersOnly ? head : `${head}\r\n${"{".padEnd(sentBytes, " ")}`);
  return { received: () => data, closed };
}

async function started(options: Parameters<typeof startJudgeServer>[1]): Promise<JudgeServer> {
  return startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, ...options });
}

describe("judge server against stalled clients", () => {
  it("a shutdown ends an upload stalled mid-body within the shutdown timeout", async () => {
    const server = await started({ shutdownTimeoutMs: 1_000, bodyIdleTimeoutMs: 60_000, requestTimeoutMs: 120_000 });
    const stalled = await stalledUpload(server.url, 10);
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    await server.close();
    expect(Date.now() - start).toBeLessThan(2_500);
    await stalled.closed;
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 503 /);
  });

  it("64 stalled uploads hold no queue slot: another client is still judged", async () => {
    const server = await started({ maxQueue: 64, bodyIdleTimeoutMs: 60_000 });
    try {
      const stalled = await Promise.all(Array.from({ length: 64 }, () => stalledUpload(server.url, 10)));
      await new Promise((r) => setTimeout(r, 100));
      const reply = await postJson(server.url, batch(["after-the-stalls"]));
      expect(reply.status).toBe(200);
      expect(reply.json.results[0].id).toBe("after-the-stalls");
      expect(stalled.every((s) => s.received() === "")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("a body that stops arriving gets 408 after the body gap limit, and the connection closes", async () => {
    const server = await started({ bodyIdleTimeoutMs: 300 });
    try {
      const stalled = await stalledUpload(server.url, 10);
      const after = await stalled.closed;
      expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(stalled.received()).toContain('"request_timeout"');
      expect(after).toBeGreaterThanOrEqual(250);
      expect(after).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });

  it("headers that never finish are cut off by the headers timeout", async () => {
    const server = await started({ headersTimeoutMs: 300 });
    try {
      const stalled = await stalledUpload(server.url, 0, true);
      const after = await stalled.closed;
      expect(after).toBeLessThan(5_000);
      expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 |^$/);
    } finally {
      await server.close();
    }
  });

  it("uploads past their shared byte budget get 429; the budget comes back when they end", async () => {
    const server = await started({ maxUploadBytes: 1_500, bodyIdleTimeoutMs: 60_000 });
    try {
      const first = await stalledUpload(server.url, 900);
      await new Promise((r) => setTimeout(r, 100));
      const second = await stalledUpload(server.url, 900);
      await second.closed;
      expect(second.received()).toMatch(/^HTTP\/1\.1 429 /);
      expect(first.received()).toBe("");
      sockets[0]!.destroy();
      await first.closed;
      expect((await postJson(server.url, batch(["fits-again"]))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
