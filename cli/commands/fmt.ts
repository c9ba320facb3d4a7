import { writeFileSync } from "node:fs";
import { readArgument } from "./io.js";

/** What compiler/format exports (loaded lazily; the formatter is its own module). */
interface Formatter {
  formatSource(text: string, file: string): unknown;
}

/** The formatted text, whatever shape the formatter returns it in; undefined if it refused. */
function formattedText(result: unknown): string | undefined {
  if (typeof result === "string") return result;
  if (result && typeof result === "object") {
    const r = result as { text?: unknown; formatted?: unknown; output?: unknown };
    for (const v of [r.text, r.formatted, r.output]) if (typeof v === "string") return v;
  }
  return undefined;
}

async function loadFormatter(): Promise<Formatter | undefined> {
  // A computed specifier: the formatter is built separately and loaded only by `fmt`.
  const specifier = "../../compiler/format/index.js";
  try {
    return (await import(specifier)) as Formatter;
  } catch (error) {
    process.stderr.write(`align: the formatter is not available (${(error as Error).message})\n`);
    return undefined;
  }
}

/** `align fmt [--check] FILE...`. */
export async function runFmt(files: readonly string[], opts: { check?: boolean }): Promise<number> {
  const texts = files.map((f) => [f, readArgument(f)] as const);
  if (texts.some(([, t]) => t === undefined)) return 2;
  const formatter = await loadFormatter();
  if (!formatter) return 2;
  const unformatted: string[] = [];
  let failed = false;
  for (const [file, text] of texts) {
    const formatted = formattedText(formatter.formatSource(text!, file));
    if (formatted === undefined) {
      process.stderr.write(`align: ${file}: not formatted (fix the syntax errors first: align check ${file})\n`);
      failed = true;
      continue;
    }
    if (formatted === text) continue;
    unformatted.push(file);
    if (!opts.check) writeFileSync(file, formatted);
  }
  if (opts.check) {
    for (const file of unformatted) process.stdout.write(`${file}\n`);
    if (unformatted.length > 0) process.stderr.write(`align: ${unformatted.length} file${unformatted.length === 1 ? " is" : "s are"} not formatted (run \`align fmt\`)\n`);
    return unformatted.length > 0 || failed ? 1 : 0;
  }
  return failed ? 1 : 0;
}
