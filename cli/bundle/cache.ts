/**
 * A content-addressed cache for the two slow steps of `align build`: bundling the runtime
 * (esbuild) and generating the program (ts-morph, TypeScript). An entry is found only by the
 * hash of everything its output depends on, so a hit returns exactly the bytes a fresh
 * computation would: the cache changes speed, never output. It lives in the package's
 * `node_modules/.cache/align/` (the convention build tools share), or in ALIGN_BUILD_CACHE_DIR;
 * where that cannot be written, or with ALIGN_BUILD_CACHE=off, nothing is cached.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export function cacheKey(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

function entry(root: string, kind: string, key: string): string {
  const dir = process.env["ALIGN_BUILD_CACHE_DIR"] || path.join(root, "node_modules", ".cache", "align");
  return path.join(dir, kind, `${key}.json`);
}

/** ALIGN_BUILD_CACHE=off: nothing made earlier is reused (neither this cache nor `npm run build`'s runtime). */
export const cacheOff = (): boolean => process.env["ALIGN_BUILD_CACHE"] === "off";

export function readCached<T>(root: string, kind: string, key: string): T | undefined {
  if (cacheOff()) return undefined;
  try {
    return JSON.parse(readFileSync(entry(root, kind, key), "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Stores a value (temp file + rename, so a reader never sees half an entry); failures are ignored. */
export function writeCached(root: string, kind: string, key: string, value: unknown): void {
  if (cacheOff()) return;
  const file = entry(root, kind, key);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, file);
  } catch {
    // A read-only installation builds without a cache.
  }
}
