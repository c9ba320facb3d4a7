import { compile, memoryHost, type CompileResult } from "../../compiler/index.js";
import { judgeInputChecks } from "../../runtime/judges/inputChecks.js";

/** Compiles in-memory files (absolute paths under /virtual) as the CLI does; the first one is the root. */
export function compileFiles(files: Record<string, string>): CompileResult {
  const entries = Object.entries(files).map(([name, text]) => [`/virtual/${name}`, text] as const);
  const root = entries[0]![0];
  return compile(root.slice("/virtual/".length), { host: memoryHost(Object.fromEntries(entries)), cwd: "/virtual", judgeInputChecks });
}

export function compileText(text: string): CompileResult {
  return compileFiles({ "main.align": text });
}

/** `CODE line:col` for each diagnostic. */
export function codesAt(result: CompileResult): string[] {
  return result.diagnostics.map((d) => `${d.code} ${d.span ? `${d.span.line}:${d.span.column}` : "-"}`);
}
