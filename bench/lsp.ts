/**
 * The language server against a generated 5,000-line recipe, over stdio with a real client:
 * start to first diagnostics, completion and hover latency (p50, p95), and how long after the
 * last change the diagnostics are published, not counting the debounce. Bare `node -e 0` is
 * measured in the same run as the floor a start cannot go below.
 *
 *   npm run build && node dist/bench/lsp.js [--lines 5000] [--requests 200] [--edits 20]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateRecipe } from "./lib/generateRecipe.js";
import { LspClient, repoRoot, uriOf } from "./lib/lspClient.js";
import { loadLine, medianOf, procCpuMs } from "./lib/measure.js";

const DEBOUNCE_MS = 50;

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A recipe of about `lines` lines (the generator's groups are about 14 bytes a line). */
function recipeOfLines(lines: number): string {
  let bytes = lines * 14;
  for (;;) {
    const text = generateRecipe(bytes).align;
    const count = text.split("\n").length;
    if (count >= lines) return text;
    bytes = Math.ceil((bytes * lines) / count) + 200;
  }
}

/** Cursor positions on field names (hover) and right after `= ` of fields (completion). */
function positions(text: string, count: number): { hover: { line: number; character: number }[]; completion: { line: number; character: number }[] } {
  const lines = text.split("\n");
  const fieldLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s+[a-z_]+ = /.test(l));
  const pick = (k: number) => fieldLines[Math.floor((k * fieldLines.length) / count) % fieldLines.length]!;
  const hover = Array.from({ length: count }, (_, k) => {
    const [l, i] = pick(k);
    return { line: i, character: l.search(/\S/) + 1 };
  });
  const completion = Array.from({ length: count }, (_, k) => {
    const [l, i] = pick(k);
    return { line: i, character: l.indexOf("= ") + 2 };
  });
  return { hover, completion };
}

async function main(): Promise<void> {
  const loadBefore = loadLine("before");
  const lineCount = argValue("lines", 5000);
  const requests = argValue("requests", 200);
  const edits = argValue("edits", 20);
  const dir = mkdtempSync(path.join(tmpdir(), "align-bench-lsp-"));
  const file = path.join(dir, "generated.align");
  const text = recipeOfLines(lineCount);
  writeFileSync(file, text);
  const uri = uriOf(file);

  const bareRuns: number[] = [];
  const childCpuBefore = procCpuMs("self", true);
  for (let i = 0; i < 6; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ["-e", "0"]);
    if (i > 0) bareRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const childCpuAfter = procCpuMs("self", true);
  const bareCpu = childCpuBefore !== undefined && childCpuAfter !== undefined ? (childCpuAfter - childCpuBefore) / 6 : undefined;

  /** Median wall time, and the server's mean CPU time (from /proc), from spawn to the first diagnostics. */
  const startToDiagnostics = async (command?: readonly string[]) => {
    const runs: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      const c = await LspClient.start({ root: dir, debounceMs: DEBOUNCE_MS, ...(command ? { command } : {}) });
      const first = await c.open(file, text);
      runs.push(Number(process.hrtime.bigint() - t) / 1e6);
      const used = c.process.pid !== undefined ? procCpuMs(c.process.pid) : undefined;
      if (used !== undefined) cpu.push(used);
      if (first.diagnostics.some((d) => d.severity === 1)) throw new Error(`generated recipe has errors: ${first.diagnostics[0]!.message}`);
      await c.stop();
    }
    return { wall: medianOf(runs), cpu: cpu.length === runs.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined };
  };
  const startCli = await startToDiagnostics();
  // The VS Code package's single-file server (npm run vsix), when it has been built.
  const bundled = path.join(repoRoot, "editors/vscode/dist/extension/server/align-lsp.mjs");
  const startBundled = existsSync(bundled) ? await startToDiagnostics([process.execPath, bundled, "--stdio"]) : undefined;

  const client = await LspClient.start({ root: dir, debounceMs: DEBOUNCE_MS });
  await client.open(file, text);
  const at = positions(text, requests);
  const time = async (method: string, position: { line: number; character: number }) => {
    const t = process.hrtime.bigint();
    const result = await client.request(method, { textDocument: { uri }, position });
    if (result === null) throw new Error(`${method} at ${position.line + 1}:${position.character + 1} answered nothing`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const completion: number[] = [];
  const hover: number[] = [];
  for (let k = 0; k < requests; k++) {
    completion.push(await time("textDocument/completion", at.completion[k]!));
    hover.push(await time("textDocument/hover", at.hover[k]!));
  }

  // Edits: change one number; the diagnostics of that version arrive after the debounce plus the check.
  const publish: number[] = [];
  const completionAfterEdit: number[] = [];
  let current = text;
  for (let k = 0; k < edits; k++) {
    current = current.replace(/max = (\d+)/, (_, n: string) => `max = ${Number(n) === 200 ? 201 : 200}`);
    const t = process.hrtime.bigint();
    await client.change(file, current);
    publish.push(Number(process.hrtime.bigint() - t) / 1e6 - DEBOUNCE_MS);
    current = current.replace(/dtype = bf16/, "dtype = fp32").replace(/dtype = fp32(?![\s\S]*dtype = fp32)/, "dtype = bf16");
    await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: 1000 + k }, contentChanges: [{ text: current }] });
    completionAfterEdit.push(await time("textDocument/completion", at.completion[k]!));
    await client.nextDiagnostics(uri);
  }
  await client.stop();

  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`recipe: ${text.split("\n").length} lines, ${(text.length / 1e3).toFixed(0)} kB; ${requests} requests each, ${edits} edits; debounce ${DEBOUNCE_MS} ms (not counted)`);
  const cpuNote = (v: number | undefined) => (v === undefined ? "" : `, ${ms(v)} CPU`);
  console.log(`node -e 0 (median of 5):                     ${ms(medianOf(bareRuns))}${cpuNote(bareCpu)}`);
  console.log(`start to first diagnostics, align lsp:       ${ms(startCli.wall)}${cpuNote(startCli.cpu)}   goal <= 300 ms (median of 3; CPU: the server's, mean)`);
  if (startBundled !== undefined) console.log(`start to first diagnostics, bundled server:  ${ms(startBundled.wall)}${cpuNote(startBundled.cpu)}   (the VS Code package's one-file server)`);
  console.log(`completion p50 / p95:                        ${ms(percentile(completion, 50))} / ${ms(percentile(completion, 95))}   goal <= 16 / 50 ms`);
  console.log(`hover p50 / p95:                             ${ms(percentile(hover, 50))} / ${ms(percentile(hover, 95))}   goal <= 16 / 50 ms`);
  console.log(`diagnostics after the last change p50 / p95: ${ms(percentile(publish, 50))} / ${ms(percentile(publish, 95))}   goal <= 50 ms`);
  console.log(`completion right after an edit p50 / p95:    ${ms(percentile(completionAfterEdit, 50))} / ${ms(percentile(completionAfterEdit, 95))}`);
  console.log(`${loadBefore}; ${loadLine("after")}`);
}

await main();
