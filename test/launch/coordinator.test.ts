import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { coordinatorPort, LeaderFeed, startLeader } from "../../runtime/launch/coordinator.js";
import { freePort } from "../../runtime/launch/local.js";

/**
 * Node 0's coordinator and a follower's feed over real HTTP on loopback (the follower program
 * itself runs in torchrun.test.ts): events arrive in order, a node 0 that goes away or restarts
 * ends the feed with one line instead of a wait forever, and node 0 waits for its followers to
 * read the end before it closes.
 */

describe("node coordinator", () => {
  it("is at MASTER_PORT + 1 unless ALIGN_COORD_PORT says otherwise", () => {
    expect(coordinatorPort({}, 29500)).toBe(29501);
    expect(coordinatorPort({ ALIGN_COORD_PORT: "4000" }, 29500)).toBe(4000);
    expect(() => coordinatorPort({ ALIGN_COORD_PORT: "x" }, 29500)).toThrow('ALIGN_COORD_PORT must be a port number, got "x"');
  });

  it("delivers node 0's events in order, published before or after the follower asks", async () => {
    const port = await freePort();
    const leader = await startLeader("127.0.0.1", port, 1);
    leader.publish({ kind: "stage", stage: "warmup", resume: false });
    const feed = new LeaderFeed({ url: leader.url, nodeRank: 1, connectTimeoutMs: 5000 });
    expect(await feed.event(0)).toEqual({ kind: "stage", stage: "warmup", resume: false });
    const later = feed.event(1);
    leader.publish({ kind: "stage", stage: "rl", judgeUrl: "http://127.0.0.1:9/", resume: true });
    expect(await later).toEqual({ kind: "stage", stage: "rl", judgeUrl: "http://127.0.0.1:9/", resume: true });
    leader.publish({ kind: "end", code: 1, message: "stage rl failed" });
    expect(await feed.event(2)).toEqual({ kind: "end", code: 1, message: "stage rl failed" });
    const closing = Date.now();
    await leader.close(10_000);
    expect(Date.now() - closing, "the follower had read the end: no grace wait").toBeLessThan(5000);
  });

  it("ends a follower's feed with one line when node 0 goes away mid-run", async () => {
    const port = await freePort();
    const leader = await startLeader("127.0.0.1", port, 1);
    const feed = new LeaderFeed({ url: leader.url, nodeRank: 1, connectTimeoutMs: 5000, lostTimeoutMs: 1000 });
    leader.publish({ kind: "stage", stage: "warmup", resume: false });
    await feed.event(0);
    await leader.close(0);   // no end event: node 0 died
    await expect(feed.event(1)).rejects.toThrow(new RegExp(`^timed out after 1 s waiting for node 0's coordinator at http://127\\.0\\.0\\.1:${port} to answer again`));
    expect(await feed.lost).toMatch(/to answer again/);
  });

  it("never keeps node 0's process alive: a program that dies without closing it exits, and its followers see it go", async () => {
    const port = await freePort();
    const module = path.resolve("runtime/launch/coordinator.ts");
    const code = `const { startLeader } = await import(${JSON.stringify(module)});
      const leader = await startLeader("127.0.0.1", ${port}, 1);
      leader.publish({ kind: "stage", stage: "warmup", resume: false });
      setTimeout(() => {}, 3000);`;   // the program's own work, then it ends without close()
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const feed = new LeaderFeed({ url: `http://127.0.0.1:${port}`, nodeRank: 1, connectTimeoutMs: 20_000, lostTimeoutMs: 1000 });
      expect(await feed.event(0)).toEqual({ kind: "stage", stage: "warmup", resume: false });
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running after 15 s"), 15_000))]);
      expect(code, stderr).toBe(0);
      await expect(feed.event(1)).rejects.toThrow(/to answer again/);
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);

  it("ends a follower's feed when node 0 restarted (a new session on the same port)", async () => {
    const port = await freePort();
    const first = await startLeader("127.0.0.1", port, 1);
    const feed = new LeaderFeed({ url: first.url, nodeRank: 1, connectTimeoutMs: 5000, lostTimeoutMs: 10_000 });
    first.publish({ kind: "stage", stage: "warmup", resume: false });
    await feed.event(0);
    await first.close(0);
    const second = await startLeader("127.0.0.1", port, 1);
    second.publish({ kind: "stage", stage: "warmup", resume: true });
    second.publish({ kind: "stage", stage: "rl", resume: false });
    await expect(feed.event(1)).rejects.toThrow(`node 0 (${first.url}) restarted while this node followed it; restart this node too`);
    await second.close(0);
  });

  it("a follower that finds no node 0 gives up after its connect timeout, naming the address", async () => {
    const port = await freePort();
    const feed = new LeaderFeed({ url: `http://127.0.0.1:${port}`, nodeRank: 3, connectTimeoutMs: 1000 });
    await expect(feed.event(0)).rejects.toThrow(`timed out after 1 s waiting for node 0's coordinator at http://127.0.0.1:${port} to answer (`);
  });
});
