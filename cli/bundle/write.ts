/**
 * Writes a bundle directory (the other I/O half of `align build`), or compares one with what
 * would be written (`--check`). The directory belongs to align build, except `hooks.ts`: files
 * the new bundle lacks are removed, so a rebuild ends with exactly the new tree.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Bundle } from "../../compiler/emit/bundle.js";

export const USER_FILES = new Set(["hooks.ts"]);

export class NotABundle extends Error {}

function listFiles(dir: string, rel = "", out: string[] = []): string[] {
  if (!existsSync(path.join(dir, rel))) return out;
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) listFiles(dir, child, out);
    else out.push(child);
  }
  return out;
}

const bytesOf = (c: string | Uint8Array) => (typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c));

function same(file: string, content: string | Uint8Array): boolean {
  try {
    return lstatSync(file).isFile() && readFileSync(file).equals(bytesOf(content));
  } catch {
    return false;
  }
}

/** The link target for a referenced input, relative to the link's directory. */
function linkTarget(outDir: string, rootDir: string, input: string): string {
  const link = path.join(outDir, "inputs", ...input.split("/"));
  return path.relative(path.dirname(link), path.join(rootDir, ...input.split("/"))).split(path.sep).join("/");
}

/** Writes the bundle into outDir (created if needed); returns the paths it changed. */
export function writeBundle(outDir: string, bundle: Bundle, rootDir: string): string[] {
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(path.join(outDir, "align.lock.json"))) {
    throw new NotABundle(`${outDir} is not empty and holds no align.lock.json: not a bundle; refusing to write into it (pass another --out)`);
  }
  const keep = new Set(bundle.files.map((f) => f.path));
  for (const input of bundle.referenced) keep.add(`inputs/${input}`);
  for (const old of listFiles(outDir)) {
    if (!keep.has(old) && !USER_FILES.has(old)) rmSync(path.join(outDir, ...old.split("/")), { force: true });
  }
  const changed: string[] = [];
  for (const f of bundle.files) {
    const file = path.join(outDir, ...f.path.split("/"));
    if (USER_FILES.has(f.path) && existsSync(file)) continue;
    if (!same(file, f.content)) {
      mkdirSync(path.dirname(file), { recursive: true });
      rmSync(file, { force: true });
      writeFileSync(file, f.content);
      changed.push(f.path);
    }
    chmodSync(file, f.executable === true ? 0o755 : 0o644);
  }
  for (const input of bundle.referenced.filter((p) => !p.startsWith("../"))) {
    const link = path.join(outDir, "inputs", ...input.split("/"));
    const target = linkTarget(outDir, rootDir, input);
    if (lstatSyncSafe(link)) {
      if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) continue;
      rmSync(link, { force: true });
    }
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(target, link);
    changed.push(`inputs/${input}`);
  }
  return changed;
}

function lstatSyncSafe(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The bundle paths whose bytes on disk differ from `bundle` (missing, changed, or not part of it). */
export function diffBundle(outDir: string, bundle: Bundle): string[] {
  const differ: string[] = [];
  const expected = new Set(bundle.files.map((f) => f.path));
  for (const input of bundle.referenced) expected.add(`inputs/${input}`);
  for (const f of bundle.files) {
    if (!same(path.join(outDir, ...f.path.split("/")), f.content)) differ.push(`${f.path} (${existsSync(path.join(outDir, f.path)) ? "differs" : "missing"})`);
  }
  for (const old of listFiles(outDir)) if (!expected.has(old) && !USER_FILES.has(old)) differ.push(`${old} (not generated: would be removed)`);
  return differ.sort();
}
