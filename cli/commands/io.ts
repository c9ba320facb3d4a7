import { existsSync, readFileSync, statSync } from "node:fs";

/** Reads a file named on the command line, or explains on stderr why not (the caller exits 2). */
export function readArgument(file: string): string | undefined {
  if (!existsSync(file)) {
    process.stderr.write(`align: ${file}: no such file\n`);
    return undefined;
  }
  if (statSync(file).isDirectory()) {
    process.stderr.write(`align: ${file}: is a directory (name .align files)\n`);
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
