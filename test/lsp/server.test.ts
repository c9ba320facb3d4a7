/**
 * The server's behaviour over stdio: its diagnostics are exactly `align check`'s (every recipe
 * and every error fixture), edits are coalesced and only the latest version is checked, a
 * change re-checks the open files that import the changed one, and bad input never stops it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import { renderJson } from "../../compiler/diagnostics/render.js";
import { ensureBuilt } from "../support/build.js";
import { LspClient, repoRoot, uriOf, type PublishedDiagnostics } from "../../bench/lib/lspClient.js";
import { relativeUri } from "./render.js";

let client: LspClient;

beforeAll(async () => {
  await ensureBuilt(repoRoot);
  client = await LspClient.start({ root: repoRoot, debounceMs: 50 });
}, 120_000);

afterAll(async () => {
  await client?.stop();
});

/** `align check --format json` for one root file, as the CLI computes it (run from the repository root). */
function checkJson(file: string) {
  const relative = path.relative(repoRoot, file);
  const result = compile(relative, { cwd: repoRoot });
  const doc = JSON.parse(renderJson(result.diagnostics, (f) => result.sources.get(f)));
  return (doc.diagnostics as { code: string; severity: string; message: string; help: string | null; notes: string[]; file: string; line: number; column: number; endLine: number; endColumn: number; related: { file: string; line: number; column: number; message: string }[] }[])
    .filter((d) => d.file === relative)
    .map((d) => ({
      code: d.code,
      severity: d.severity,
      message: [d.message, ...(d.help !== null ? [`help: ${d.help}`] : []), ...d.notes.map((n) => `note: ${n}`)].join("\n"),
      range: `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`,
      related: d.related.map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`),
    }));
}

function fromServer(published: PublishedDiagnostics) {
  return published.diagnostics.map((d) => ({
    code: d.code,
    severity: ["", "error", "warning", "info"][d.severity ?? 1],
    message: d.message,
    range: `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`,
    related: (d.relatedInformation ?? []).map((r) => `${relativeUri(r.location.uri, repoRoot)}:${r.location.range.start.line + 1}:${r.location.range.start.character + 1} ${r.message}`),
  }));
}

const recipes = readdirSync(path.join(repoRoot, "recipes")).filter((f) => f.endsWith(".align")).map((f) => path.join(repoRoot, "recipes", f));
const errFixtures = readdirSync(path.join(repoRoot, "test/fixtures/check/err")).filter((f) => f.endsWith(".align")).map((f) => path.join(repoRoot, "test/fixtures/check/err", f));

describe("diagnostics are align check's", () => {
  it.each([...recipes, ...errFixtures].map((f) => [path.relative(repoRoot, f), f]))("%s", async (_name, file) => {
    const published = await client.open(file);
    try {
      expect(fromServer(published)).toEqual(checkJson(file));
    } finally {
      await client.close(file);
    }
  });
});

describe("editing", () => {
  const file = path.join(repoRoot, "test/fixtures/lsp/support/edited.align");
  const good = "model policy {\n  from = builtin(layers = 2, width = 64, heads = 4, context = 32)\n  dtype = fp32\n}\n";

  it("checks only the latest of quick edits, after the debounce", async () => {
    await client.open(file, good);
    const uri = uriOf(file);
    const next = client.nextDiagnostics(uri);
    for (let v = 2; v <= 4; v++) {
      await client.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri, version: v },
        contentChanges: [{ text: good.replace("dtype", v === 4 ? "dtpye" : "dtype") + "\n".repeat(v) }],
      });
    }
    const published = await next;
    // The first diagnostics after the edits are those of the last version: 2 and 3 were never checked.
    expect(published.version).toBe(4);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["AL3001"]);
    await client.close(file);
  });

  it("re-checks an open file that imports the changed one", async () => {
    const importer = path.join(repoRoot, "test/fixtures/lsp/definition-import.align");
    const library = path.join(repoRoot, "test/fixtures/lsp/support/common.align");
    const importerText = readFileSync(importer, "utf8").replace("$0", "");
    const before = await client.open(importer, importerText);
    expect(before.diagnostics.map((d) => d.code)).not.toContain("AL2001");
    await client.open(library);
    const republished = client.nextDiagnostics(uriOf(importer));
    await client.change(library, readFileSync(library, "utf8").replace("model policy", "model polisy"));
    const after = await republished;
    expect(after.diagnostics.map((d) => [d.code, d.message.split("\n")[0]])).toContainEqual(["AL2001", "unknown reference `common.policy`"]);
    await client.close(library);
    await client.close(importer);
  });

  it("keeps serving after input that does not parse", async () => {
    const garbage = "model { = = [[[ {{ \"unterminated\n" + "}".repeat(500) + "\u0000\uffff" + "[".repeat(5000);
    const published = await client.open(file, garbage);
    expect(published.diagnostics.length).toBeGreaterThan(0);
    for (const method of ["textDocument/hover", "textDocument/completion", "textDocument/definition"]) {
      await client.request(method, { textDocument: { uri: uriOf(file) }, position: { line: 0, character: 8 } });
    }
    await client.request("textDocument/semanticTokens/full", { textDocument: { uri: uriOf(file) } });
    await client.request("textDocument/formatting", { textDocument: { uri: uriOf(file) }, options: { tabSize: 2, insertSpaces: true } });
    await client.close(file);
    const again = await client.open(path.join(repoRoot, "recipes/tiny.align"));
    expect(again.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    await client.close(path.join(repoRoot, "recipes/tiny.align"));
    expect(client.process.exitCode).toBeNull();
  });

  it("reads a data file again when the client reports it changed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-lsp-watch-"));
    const recipe = path.join(dir, "r.align");
    const data = path.join(dir, "qa.jsonl");
    writeFileSync(recipe, 'dataset qa = jsonl("qa.jsonl") { prompt = "question" }\n');
    const missing = await client.open(recipe);
    expect(missing.diagnostics.map((d) => d.code)).toContain("AL5001");
    writeFileSync(data, '{"question": "2+2="}\n');
    const republished = client.nextDiagnostics(uriOf(recipe));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(data), type: 1 }] });
    expect((await republished).diagnostics.map((d) => d.code)).not.toContain("AL5001");
    await client.close(recipe);
  });
});
