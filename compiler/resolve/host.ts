import { readFileSync, statSync } from "node:fs";
import type { ParseResult } from "../../grammar/index.js";

/**
 * How the compiler reads files. The CLI uses the file system; tests and the language server
 * can serve unsaved buffers. Paths are absolute.
 */
export interface CompilerHost {
  readFile(absolutePath: string): string | undefined;
  /**
   * Parses a file's text, or leaves it to the compiler when absent. The language server keeps
   * one parse per open document here, so a keystroke in one file re-parses that file only.
   * The result must be exactly `parse(text, file)`.
   */
  parse?(absolutePath: string, text: string, file: string): ParseResult;
  /** Why `readFile` gave undefined, in a few words (`not a regular file`), when the host knows. */
  whyUnreadable?(absolutePath: string): string | undefined;
}

/** Recipes, imports and templates larger than this are refused, not read (text, not data). */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * Reads from disk, caching every file (the compiler may ask for one several times). Only regular
 * files up to MAX_SOURCE_BYTES are read: `import "/dev/zero"` or `file("/dev/stdin")` must not
 * make `align check` read until memory runs out, or wait for input that never comes.
 */
export function fileSystemHost(): CompilerHost {
  const cache = new Map<string, { text?: string; why?: string }>();
  const get = (absolutePath: string) => {
    let entry = cache.get(absolutePath);
    if (entry === undefined) cache.set(absolutePath, (entry = tryRead(absolutePath)));
    return entry;
  };
  return {
    readFile: (absolutePath) => get(absolutePath).text,
    whyUnreadable: (absolutePath) => get(absolutePath).why,
  };
}

function tryRead(absolutePath: string): { text?: string; why?: string } {
  try {
    const stat = statSync(absolutePath);
    if (!stat.isFile()) return { why: stat.isDirectory() ? "a directory, not a file" : "not a regular file (a device, pipe or socket)" };
    if (stat.size > MAX_SOURCE_BYTES) return { why: `${stat.size} bytes, over the ${MAX_SOURCE_BYTES / (1024 * 1024)} MiB limit for recipes and templates` };
    return { text: readFileSync(absolutePath, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { why: code === "ENOENT" ? "no such file" : (code ?? "unreadable") };
  }
}

/** A host over an in-memory map of absolute path → text, falling back to `fallback`. */
export function memoryHost(files: Readonly<Record<string, string>>, fallback?: CompilerHost): CompilerHost {
  return {
    readFile(absolutePath) {
      return files[absolutePath] ?? fallback?.readFile(absolutePath);
    },
  };
}
