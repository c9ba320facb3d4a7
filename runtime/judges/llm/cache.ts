/**
 * The LLM judge's response cache: an in-memory LRU, optionally backed by an append-only JSONL
 * file so a restarted server or a second `align judge` run does not pay for the same calls.
 * Keys are hashes of model + template + filled inputs (see cacheKey), so a changed template or
 * model simply misses. The file is compacted when loaded: once it holds more than twice the
 * lines the LRU keeps (evicted, repeated or torn entries), it is rewritten with the kept ones.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EndpointReply } from "./client.js";

export interface KeyParts {
  readonly baseUrl: string;
  readonly model: string;
  readonly api: string;
  readonly maxTokens: number;
  readonly logprobs: boolean;
  readonly templateText: string;
  readonly values: Readonly<Record<string, string>>;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function cacheKey(parts: KeyParts): string {
  const slots = Object.keys(parts.values).sort().map((slot) => [slot, parts.values[slot]]);
  return sha256(
    JSON.stringify([parts.baseUrl, parts.model, parts.api, parts.maxTokens, parts.logprobs, sha256(parts.templateText), slots]),
  );
}

export class ReplyCache {
  private readonly entries = new Map<string, EndpointReply>();
  private readonly file: string | null;

  constructor(
    private readonly maxEntries: number,
    directory: string | null,
    fileName: string,
  ) {
    this.file = directory === null ? null : join(directory, fileName);
    if (this.file !== null) this.load(this.file);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): EndpointReply | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-insert to mark it most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, reply: EndpointReply): void {
    this.remember(key, reply);
    if (this.file === null) return;
    try {
      // One short line per append: O_APPEND keeps lines whole even with several writers.
      appendFileSync(this.file, `${JSON.stringify({ k: key, v: reply })}\n`);
    } catch {
      // The disk cache is an optimisation; a full disk must not fail the verdict.
    }
  }

  private remember(key: string, reply: EndpointReply): void {
    this.entries.delete(key);
    this.entries.set(key, reply);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  private load(file: string): void {
    const directory = join(file, "..");
    if (!existsSync(directory)) mkdirSync(directory, { recursive: true });
    if (!existsSync(file)) return;
    let lines = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line === "") continue;
      lines += 1;
      const entry = parseLine(line);
      if (entry !== null) this.remember(entry.k, entry.v);
    }
    if (lines > Math.max(2 * this.entries.size, COMPACT_MIN_LINES)) this.compact(file);
  }

  /**
   * Rewrite the file with the entries kept, oldest first, through a temporary file and a
   * rename (a crash leaves the old file). A server appending to the old file at that moment
   * loses those lines: the cost is a repeated call later, never a wrong verdict.
   */
  private compact(file: string): void {
    const temp = `${file}.tmp-${process.pid}`;
    try {
      const body = [...this.entries].map(([k, v]) => `${JSON.stringify({ k, v })}\n`).join("");
      writeFileSync(temp, body);
      renameSync(temp, file);
    } catch {
      // Like appending, compaction is an optimisation; the file stays as it was.
    }
  }
}

/** Files shorter than this are never rewritten (not worth a write on every start). */
const COMPACT_MIN_LINES = 1000;

function parseLine(line: string): { k: string; v: EndpointReply } | null {
  if (line.trim() === "") return null;
  try {
    const entry = JSON.parse(line) as { k?: unknown; v?: { text?: unknown; top?: unknown } };
    // A torn last line (crash mid-append) or a foreign line is skipped, not fatal.
    if (typeof entry.k !== "string" || typeof entry.v?.text !== "string") return null;
    const top = Array.isArray(entry.v.top) ? (entry.v.top as EndpointReply["top"]) : null;
    return { k: entry.k, v: { text: entry.v.text, top } };
  } catch {
    return null;
  }
}
