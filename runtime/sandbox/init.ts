/**
 * The sandbox's pid 1: an execute-only copy of coreutils' `timeout`, made once per judge
 * process. A process that execs a file it cannot read is not dumpable, so no other process of
 * the sandbox (same uid, no capabilities) can open its /proc/1/mem, /proc/1/environ or
 * ptrace it; the original under /usr is world-readable, hence the copy (0111, read-only bound).
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Map<string, string>();

/** Host path of the execute-only copy of `source`; removed when this process exits. */
export function executeOnlyInit(source: string): string {
  const existing = made.get(source);
  if (existing !== undefined) return existing;
  const dir = mkdtempSync(join(tmpdir(), "align-sandbox-init-"));
  // Traversable, not listable: bwrap may run as another uid (nobody) and must reach the file.
  chmodSync(dir, 0o711);
  const path = join(dir, "init");
  copyFileSync(source, path);
  chmodSync(path, 0o111);
  if (made.size === 0) process.once("exit", () => made.forEach((file) => rmSync(join(file, ".."), { recursive: true, force: true })));
  made.set(source, path);
  return path;
}
