import { existsSync, readFileSync, statSync } from "node:fs";
import { MAX_SOURCE_BYTES } from "../../compiler/resolve/host.js";

/** Reads a file named on the command line, or explains on stderr why not (the caller exits 2). */
export function readArgument(file: string): string | undefined {
  if (!existsSync(file)) {
    process.stderr.write(`align: ${file}: no such file\n`);
    return undefined;
  }
  const stat = statSync(file);
  if (stat.isDirectory()) {
    process.stderr.write(`align: ${file}: is a directory (name .align files)\n`);
    return undefined;
  }
  // A device or pipe (`/dev/zero`) would be read until memory runs out, or wait forever.
  if (!stat.isFile() || stat.size > MAX_SOURCE_BYTES) {
    process.stderr.write(`align: ${file}: ${stat.isFile() ? `${stat.size} bytes, over the ${MAX_SOURCE_BYTES / (1024 * 1024)} MiB limit for recipes` : "not a regular file"}\n`);
    return undefined;
  }
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    process.stderr.write(`align: ${file}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** Every file exists and is readable; reports each one that is not. */
export function allReadable(files: readonly string[]): boolean {
  return files.map((f) => readArgument(f) !== undefined).every(Boolean);
}
