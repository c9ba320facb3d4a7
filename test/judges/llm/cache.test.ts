import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ReplyCache } from "../../../runtime/judges/llm/cache.js";

const reply = (i: number) => ({ text: `answer ${i}`, top: null });
const line = (key: string, i: number) => `${JSON.stringify({ k: key, v: reply(i) })}\n`;

describe("llm_judge disk cache", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "align-reply-cache-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps what a restarted server would need, across restarts", () => {
    const first = new ReplyCache(10, dir, "judge.jsonl");
    first.set("a", reply(1));
    first.set("b", reply(2));
    const second = new ReplyCache(10, dir, "judge.jsonl");
    expect(second.get("a")).toEqual(reply(1));
    expect(second.get("b")).toEqual(reply(2));
  });

  it("compacts a file of evicted, repeated and torn lines down to the entries it keeps", () => {
    const file = join(dir, "judge.jsonl");
    let body = "";
    for (let i = 0; i < 3000; i += 1) body += line(`key${i % 1500}`, i); // every key twice, the later value wins
    body += '{"k": "torn", "v": {"te'; // a crash mid-append
    writeFileSync(file, body);
    const cache = new ReplyCache(1000, dir, "judge.jsonl");
    expect(cache.size).toBe(1000);
    const kept = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toBe(line("key500", 2000).trimEnd()); // oldest kept first
    expect(kept[999]).toBe(line("key1499", 2999).trimEnd());
    const again = new ReplyCache(1000, dir, "judge.jsonl"); // the compacted file loads the same
    expect(again.get("key1499")).toEqual(reply(2999));
    expect(again.get("key499")).toBeUndefined();
  });

  it("leaves a small or mostly live file as it is", () => {
    const file = join(dir, "judge.jsonl");
    let body = "";
    for (let i = 0; i < 500; i += 1) body += line(`k${i % 100}`, i); // 5 lines per kept entry, but short
    writeFileSync(file, body);
    new ReplyCache(100, dir, "judge.jsonl");
    expect(readFileSync(file, "utf8")).toBe(body);
  });
});
