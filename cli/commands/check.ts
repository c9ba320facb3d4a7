import type { Diagnostic } from "../../grammar/diagnostic.js";
import { explainHint, renderJson, renderText, shouldColor, summary } from "../../compiler/diagnostics/render.js";
import { compile } from "../../compiler/index.js";
import { allReadable } from "./io.js";

/** `align check FILE...`: 0 when no file has errors, 1 when one does, 2 on a bad invocation. */
export async function runCheck(files: readonly string[], opts: { format: string }): Promise<number> {
  if (opts.format !== "text" && opts.format !== "json") {
    process.stderr.write(`align: unknown format \`${opts.format}\` (text or json)\n`);
    return 2;
  }
  if (!allReadable(files)) return 2;
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of files) {
    const result = compile(file);
    diagnostics.push(...result.diagnostics);
    for (const [name, text] of result.sources) sources.set(name, text);
  }
  const unique = dedupe(diagnostics);
  const lookup = (f: string) => sources.get(f);
  if (opts.format === "json") {
    process.stdout.write(renderJson(unique, lookup));
  } else {
    process.stdout.write(renderText(unique, lookup, { color: shouldColor(process.stdout) }));
    const counts = summary(unique);
    process.stdout.write(counts ? `${counts}; ${explainHint(unique)}\n` : `ok: ${files.length} file${files.length === 1 ? "" : "s"} checked\n`);
  }
  return unique.some((d) => d.severity === "error") ? 1 : 0;
}

/** Two roots that import one file would otherwise report its errors twice. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}\u0000${d.span?.file}\u0000${d.span?.offset}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
