import { writeFileSync } from "node:fs";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import { explainHint, renderJson, renderText, shouldColor, summary } from "../../compiler/diagnostics/render.js";
import { applyEdits, safeEdits } from "../../compiler/diagnostics/fixes.js";
import { compile } from "../../compiler/index.js";
import { judgeInputChecks } from "../../runtime/judges/inputChecks.js";
import { allReadable } from "./io.js";

/** Passes of `--fix`: a fixed name can reveal the next problem (a field of the now-known variant). */
const FIX_PASSES = 3;

/** `align check FILE...`: 0 when no file has errors, 1 when one does, 2 on a bad invocation. */
export async function runCheck(files: readonly string[], opts: { format: string; fix?: boolean }): Promise<number> {
  if (opts.format !== "text" && opts.format !== "json") {
    process.stderr.write(`align: unknown format \`${opts.format}\` (text or json)\n`);
    return 2;
  }
  if (!allReadable(files)) return 2;
  let checked = checkAll(files);
  if (opts.fix) {
    for (let pass = 0; pass < FIX_PASSES && applySafeFixes(checked); pass++) checked = checkAll(files);
  }
  const { diagnostics: unique, sources } = checked;
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

interface Checked {
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
}

function checkAll(files: readonly string[]): Checked {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of files) {
    const result = compile(file, { judgeInputChecks });
    diagnostics.push(...result.diagnostics);
    for (const [name, text] of result.sources) sources.set(name, text);
  }
  return { diagnostics: dedupe(diagnostics), sources };
}

/** Writes the safe fix-its into their files; says on stderr what it changed. False when there was nothing to fix. */
function applySafeFixes(checked: Checked): boolean {
  let changed = false;
  for (const [file, edits] of safeEdits(checked.diagnostics)) {
    const text = checked.sources.get(file);
    if (text === undefined || edits.length === 0) continue;
    writeFileSync(file, applyEdits(text, edits));
    process.stderr.write(`align: ${file}: applied ${edits.length} fix${edits.length === 1 ? "" : "es"}\n`);
    changed = true;
  }
  return changed;
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
