/**
 * Multi-node runs where every node runs the program (launch/torchrun.sh, and through it the
 * Kubernetes and SkyPilot targets; docs/launch.md, "Follower mode"). Node 0 leads: it alone locks
 * the run directory, runs the judge server and decides which stages run; it publishes each stage
 * it starts (and the run's end) on a tiny read-only HTTP endpoint at MASTER_ADDR:MASTER_PORT+1
 * (ALIGN_COORD_PORT overrides). The other nodes follow: they long-poll that endpoint and start
 * their ranks for each stage node 0 starts. Protocol, one request kind:
 *   GET /events?from=I&node=N  →  {"session": S, "events": [event I, event I+1, ...]}
 * held open up to LONG_POLL_MS while there is no event I; `session` changes when node 0 restarts.
 */
import { randomUUID } from "node:crypto";
import { createServer, request } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** A stage node 0 starts: the followers start their ranks with the same invocation. */
export interface StageEvent {
  readonly kind: "stage";
  readonly stage: string;
  readonly judgeUrl?: string | undefined;
  readonly resume: boolean;
}

/** The run's end on node 0: exit code 0 when done, else its one-line reason. */
export interface EndEvent {
  readonly kind: "end";
  readonly code: number;
  readonly message?: string | undefined;
}

export type NodeEvent = StageEvent | EndEvent;

/** How long node 0 holds a poll open without news (followers wait longer before giving up). */
const LONG_POLL_MS = 20_000;
const REQUEST_TIMEOUT_MS = LONG_POLL_MS + 20_000;

/** The coordinator's port: ALIGN_COORD_PORT, else MASTER_PORT + 1 (torchrun's store has MASTER_PORT). */
export function coordinatorPort(env: Readonly<Record<string, string | undefined>>, masterPort: number): number {
  const given = env["ALIGN_COORD_PORT"];
  if (given === undefined || given === "") return masterPort + 1;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`ALIGN_COORD_PORT must be a port number, got "${given}"`);
  return port;
}

export interface Leader {
  readonly url: string;
  publish(event: NodeEvent): void;
  /** After the end event: waits until every follower has read it (or `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Node 0's endpoint for `followers` other nodes, on `port` of every interface: binding MASTER_ADDR
 * itself would need its DNS name to resolve on node 0 at once, which pod DNS does not promise.
 * `host` (MASTER_ADDR) only names it in the URL the followers use.
 */
export async function startLeader(host: string, port: number, followers: number): Promise<Leader> {
  const session = randomUUID();
  const events: NodeEvent[] = [];
  /** Per follower node: how many events it has read (its last `from` plus what it got). */
  const seen = new Map<string, number>();
  let waiting: (() => void)[] = [];
  const wake = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };
  const reply = (res: ServerResponse, from: number, node: string) => {
    const sent = events.slice(from);
    seen.set(node, from + sent.length);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ session, events: sent }));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const from = Number(url.searchParams.get("from"));
    const node = url.searchParams.get("node") ?? "?";
    if (req.method !== "GET" || url.pathname !== "/events" || !Number.isInteger(from) || from < 0) {
      res.writeHead(404).end("GET /events?from=I&node=N\n");
      return;
    }
    seen.set(node, Math.max(seen.get(node) ?? 0, from));
    if (from < events.length) return reply(res, from, node);
    const timer = setTimeout(() => done(), LONG_POLL_MS).unref();
    const done = () => {
      clearTimeout(timer);
      if (!res.writableEnded) reply(res, from, node);
    };
    waiting.push(done);
  });
  // The coordinator never keeps node 0's process alive by itself: a program that dies without
  // closing it must exit, so that the followers see node 0 go away instead of waiting on it.
  server.on("connection", (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new Error(`cannot start the node coordinator on port ${port}: ${e.message}`)));
    server.listen(port, () => resolve());
  });
  server.unref();
  const allRead = () => seen.size >= followers && [...seen.values()].every((n) => n >= events.length);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    publish(event) {
      events.push(event);
      wake();
    },
    async close(graceMs = 30_000) {
      const end = Date.now() + graceMs;
      while (!allRead() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function getJson(url: string, signal: AbortSignal): Promise<{ session: string; events: NodeEvent[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: REQUEST_TIMEOUT_MS, signal }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => {
        try {
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          resolve(JSON.parse(body) as { session: string; events: NodeEvent[] });
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

export interface FeedOptions {
  /** Node 0's coordinator, `http://host:port`. */
  readonly url: string;
  readonly nodeRank: number;
  /** How long to wait for node 0 to answer at all (it may start later than this node). */
  readonly connectTimeoutMs: number;
  /** Once connected, how long node 0 may stay unreachable before the follower gives up. */
  readonly lostTimeoutMs?: number;
}

/**
 * A follower's view of node 0's events, fetched in the background from the start. `event(i)`
 * resolves with event i; it rejects (as does every later call) with one line once node 0 cannot
 * be reached in time, restarted, or the feed was stopped.
 */
export class LeaderFeed {
  private readonly events: NodeEvent[] = [];
  private error: Error | undefined;
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  /** Settles (never rejects) with the reason once the feed fails. */
  readonly lost: Promise<string>;
  private setLost!: (why: string) => void;

  constructor(private readonly o: FeedOptions) {
    this.lost = new Promise((resolve) => (this.setLost = resolve));
    void this.loop();
  }

  async event(i: number): Promise<NodeEvent> {
    for (;;) {
      const e = this.events[i];
      if (e !== undefined) return e;
      if (this.error !== undefined) throw this.error;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Stops fetching (the request in flight is aborted, so nothing keeps the process alive). */
  stop(): void {
    this.abort.abort();
  }

  private fail(why: string): void {
    this.error = new Error(why);
    this.setLost(why);
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async loop(): Promise<void> {
    const { url, nodeRank, connectTimeoutMs, lostTimeoutMs = 30_000 } = this.o;
    let session: string | undefined;
    let lastAnswer = Date.now();
    while (!this.abort.signal.aborted) {
      try {
        const got = await getJson(`${url}/events?from=${this.events.length}&node=${nodeRank}`, this.abort.signal);
        if (session !== undefined && got.session !== session) {
          return this.fail(`node 0 (${url}) restarted while this node followed it; restart this node too`);
        }
        session = got.session;
        lastAnswer = Date.now();
        this.events.push(...got.events);
        this.notify();
        if (got.events.some((e) => e.kind === "end")) return;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        const limit = session === undefined ? connectTimeoutMs : lostTimeoutMs;
        if (Date.now() - lastAnswer >= limit) {
          const what = session === undefined ? "to answer" : "to answer again";
          return this.fail(`timed out after ${Math.round(limit / 1000)} s waiting for node 0's coordinator at ${url} ${what} (${(error as Error).message})`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.fail("stopped following node 0");
  }
}
