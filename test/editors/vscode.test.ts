/**
 * The VS Code extension package: `editors/vscode/build.mjs` builds a .vsix offline; the archive
 * holds a valid manifest, the grammar, the language configuration and the client, and the
 * server bundled in it runs on its own (no node_modules) and answers a real LSP client.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient, repoRoot, uriOf } from "../../bench/lib/lspClient.js";
import { unzip } from "./unzip.js";
import { readFileSync } from "node:fs";

const out = mkdtempSync(path.join(tmpdir(), "align-vsix-"));
let files: Map<string, Buffer>;
let client: LspClient | undefined;

beforeAll(async () => {
  const built = await execa("node", [path.join(repoRoot, "editors/vscode/build.mjs"), "--out", out], { cwd: repoRoot });
  files = unzip(readFileSync(path.join(out, "align-0.1.0.vsix")));
  expect(built.stdout.trim()).toMatch(/align-0\.1\.0\.vsix$/);
}, 120_000);

afterAll(async () => {
  await client?.stop();
});

describe("the .vsix", () => {
  it("has the manifest, the contributions and the bundled client and server", () => {
    expect([...files.keys()].sort()).toEqual([
      "[Content_Types].xml",
      "extension.vsixmanifest",
      "extension/README.md",
      "extension/language-configuration.json",
      "extension/out/extension.js",
      "extension/package.json",
      "extension/server/align-lsp.mjs",
      "extension/syntaxes/align.tmLanguage.json",
    ]);
    const pkg = JSON.parse(files.get("extension/package.json")!.toString());
    const manifest = files.get("extension.vsixmanifest")!.toString();
    expect(manifest).toContain(`<Identity Language="en-US" Id="${pkg.name}" Version="${pkg.version}" Publisher="${pkg.publisher}" />`);
    expect(manifest).toContain(`<Property Id="Microsoft.VisualStudio.Code.Engine" Value="${pkg.engines.vscode}" />`);
    expect(pkg.contributes.languages[0]).toMatchObject({ id: "align", extensions: [".align"], configuration: "./language-configuration.json" });
    expect(files.has(`extension/${pkg.contributes.grammars[0].path.replace("./", "")}`)).toBe(true);
    expect(files.has(`extension/${pkg.main.replace("./", "")}`)).toBe(true);
    expect(pkg.activationEvents).toEqual(["onLanguage:align"]);
    const config = JSON.parse(files.get("extension/language-configuration.json")!.toString());
    expect(config.comments.lineComment).toBe("#");
    // The client starts the server file the package carries.
    expect(files.get("extension/out/extension.js")!.toString()).toContain("align-lsp.mjs");
  });

  it("has a client that type-checks against the VS Code API it declares (@types/vscode 1.82)", async () => {
    const tsc = await execa("npx", ["tsc", "-p", "editors/vscode/tsconfig.json"], { cwd: repoRoot, reject: false });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.exitCode).toBe(0);
  }, 120_000);

  it("is the same bytes when built twice", async () => {
    const again = mkdtempSync(path.join(tmpdir(), "align-vsix-"));
    await execa("node", [path.join(repoRoot, "editors/vscode/build.mjs"), "--out", again], { cwd: repoRoot });
    expect(readFileSync(path.join(again, "align-0.1.0.vsix")).equals(readFileSync(path.join(out, "align-0.1.0.vsix")))).toBe(true);
  });

  it("bundles a server that runs alone and answers a real client", async () => {
    const alone = mkdtempSync(path.join(tmpdir(), "align-vsix-server-"));
    const server = path.join(alone, "align-lsp.mjs");
    writeFileSync(server, files.get("extension/server/align-lsp.mjs")!);
    client = await LspClient.start({ root: repoRoot, command: [process.execPath, server, "--stdio"] });
    const recipe = path.join(repoRoot, "recipes/tiny.align");
    const text = readFileSync(recipe, "utf8").replace("  epochs = 20\n", "  epohcs = 20\n");
    const published = await client.open(recipe, text);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["AL3001"]);
    const line = text.split("\n").findIndex((l) => l.includes("epohcs"));
    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: uriOf(recipe) }, position: { line, character: 3 } });
    expect(hover).toBeNull();
    const model = text.split("\n").findIndex((l) => l.startsWith("  model = tiny"));
    const onRef = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: uriOf(recipe) }, position: { line: model, character: 11 } });
    expect(onRef.contents.value).toContain("declared at recipes/tiny.align:");
  });
});
