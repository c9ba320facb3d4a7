import { readFileSync } from "node:fs";
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
}

/** Reads from disk, caching every file (the compiler may ask for one several times). */
export function fileSystemHost(): CompilerHost {
  const cache = new Map<string, string | undefined>();
  return {
    readFile(absolutePath) {
      if (!cache.has(absolutePath)) cache.set(absolutePath, tryRead(absolutePath));
      return cache.get(absolutePath);
    },
  };
}

function tryRead(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, "utf8");
  } catch {
    return undefined;
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
