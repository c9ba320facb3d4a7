/**
 * The language server over stdio with a real JSON-RPC client, driven by fixtures: each
 * `test/fixtures/lsp/FEATURE-*.align` has a cursor marker `$0` (and, for a range, `$1` where it
 * ends; both removed before the text is sent) and the expected result beside it in `*.expected`.
 * The feature comes from the file name.
 *
 *   ALIGN_ACCEPT=1 npx vitest run test/lsp/protocol.test.ts   rewrites the expected files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";
import { LspClient, repoRoot, uriOf, type LspDiagnostic, type Range } from "../../bench/lib/lspClient.js";
import { applyEdits, diagnosticLines, pos, range, relativeUri, type Edit } from "./render.js";

const dir = path.join(repoRoot, "test/fixtures/lsp");
const accept = process.env.ALIGN_ACCEPT === "1";
const MARKER = "$0";
const END_MARKER = "$1";

type Position = { line: number; character: number };

interface Fixture {
  readonly file: string;
  readonly text: string;
  readonly cursor: Position | undefined;
  /** Where the selection ends (`$1`); the cursor itself when there is no end marker. */
  readonly end: Position | undefined;
}

function load(name: string): Fixture {
  const file = path.join(dir, name);
  let text = readFileSync(file, "utf8");
  const take = (marker: string): Position | undefined => {
    const at = text.indexOf(marker);
    if (at < 0) return undefined;
    text = text.slice(0, at) + text.slice(at + marker.length);
    const before = text.slice(0, at).split("\n");
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  };
  const cursor = take(MARKER);
  const end = take(END_MARKER) ?? cursor;
  return { file, text, cursor, end };
}

let client: LspClient;

beforeAll(async () => {
  await ensureBuilt(repoRoot);
  client = await LspClient.start({ root: dir });
}, 120_000);

afterAll(async () => {
  await client?.stop();
});

type Run = (f: Fixture, diagnostics: LspDiagnostic[]) => Promise<string>;

const at = (f: Fixture) => ({ textDocument: { uri: uriOf(f.file) }, position: f.cursor! });
const whole: Range = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };

const features: Record<string, Run> = {
  async completion(f) {
    const list = await client.request<{ items: { label: string; kind?: number; detail?: string; insertText?: string }[] } | null>("textDocument/completion", at(f));
    return (list?.items ?? []).map((i) => [i.label, `kind=${i.kind ?? ""}`, i.detail ?? "", i.insertText !== undefined ? `insert=${JSON.stringify(i.insertText)}` : ""].filter(Boolean).join("  ")).join("\n");
  },
  async hover(f) {
    const h = await client.request<{ contents: { value: string }; range?: Range } | null>("textDocument/hover", at(f));
    return h ? `range ${h.range ? range(h.range) : "-"}\n${h.contents.value}` : "(no hover)";
  },
  async definition(f) {
    const loc = await client.request<{ uri: string; range: Range } | null>("textDocument/definition", at(f));
    return loc ? `${relativeUri(loc.uri, dir)}:${range(loc.range)}` : "(no definition)";
  },
  async references(f) {
    const locs = await client.request<{ uri: string; range: Range }[]>("textDocument/references", { ...at(f), context: { includeDeclaration: true } });
    return locs.map((l) => `${relativeUri(l.uri, dir)}:${range(l.range)}`).join("\n");
  },
  async rename(f) {
    const prepared = await client.request<{ range: Range; placeholder: string } | null>("textDocument/prepareRename", at(f));
    const edit = await client.request<{ changes: Record<string, Edit[]> } | null>("textDocument/rename", { ...at(f), newName: "renamed" });
    const out = [`prepare ${prepared ? `${range(prepared.range)} ${prepared.placeholder}` : "-"}`];
    for (const [uri, edits] of Object.entries(edit?.changes ?? {}).sort()) {
      out.push(`--- ${relativeUri(uri, dir)}`, ...edits.map((e) => `${range(e.range)} ${JSON.stringify(e.newText)}`));
    }
    return out.join("\n");
  },
  async codeaction(f, diagnostics) {
    const here = diagnostics.filter((d) => d.range.start.line <= f.cursor!.line && d.range.end.line >= f.cursor!.line);
    const actions = await client.request<{ title: string; kind: string; isPreferred?: boolean; edit?: { changes: Record<string, Edit[]> } }[]>("textDocument/codeAction", {
      textDocument: { uri: uriOf(f.file) },
      range: { start: f.cursor!, end: f.cursor! },
      context: { diagnostics: here },
    });
    const out = [`diagnostics at the cursor:`, ...diagnosticLines(here, dir)];
    for (const a of actions) {
      out.push(`=== ${a.title} (${a.kind}${a.isPreferred ? ", preferred" : ""})`);
      const edits = a.edit?.changes[uriOf(f.file)] ?? [];
      out.push(applyEdits(f.text, edits));
    }
    return out.join("\n");
  },
  async tokens(f) {
    const legend = (await tokenLegend()).tokenTypes;
    const modifiers = (await tokenLegend()).tokenModifiers;
    const { data } = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: uriOf(f.file) } });
    const lines = f.text.split("\n");
    const out: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [dl, dc, length, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
      character = dl === 0 ? character + dc : dc;
      line += dl;
      const names = modifiers.filter((_, b) => (mods >> b) & 1);
      out.push(`${pos({ line, character })} ${JSON.stringify(lines[line]!.slice(character, character + length))} ${legend[type]}${names.length ? `.${names.join(".")}` : ""}`);
    }
    return out.join("\n");
  },
  async inlay(f) {
    const hints = await client.request<{ position: { line: number; character: number }; label: string }[]>("textDocument/inlayHint", { textDocument: { uri: uriOf(f.file) }, range: whole });
    return hints.map((h) => `${pos(h.position)} ${h.label}`).join("\n");
  },
  async symbols(f) {
    type Sym = { name: string; detail?: string; kind: number; range: Range; children?: Sym[] };
    const syms = await client.request<Sym[]>("textDocument/documentSymbol", { textDocument: { uri: uriOf(f.file) } });
    const out: string[] = [];
    const walk = (s: Sym, depth: number) => {
      out.push(`${"  ".repeat(depth)}${s.name}${s.detail ? ` (${s.detail})` : ""} kind=${s.kind} ${range(s.range)}`);
      for (const c of s.children ?? []) walk(c, depth + 1);
    };
    for (const s of syms) walk(s, 0);
    return out.join("\n");
  },
  async folding(f) {
    const ranges = await client.request<{ startLine: number; endLine: number; kind?: string }[]>("textDocument/foldingRange", { textDocument: { uri: uriOf(f.file) } });
    return ranges.map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ""}`).join("\n");
  },
  async format(f) {
    const edits = await client.request<Edit[]>("textDocument/formatting", { textDocument: { uri: uriOf(f.file) }, options: { tabSize: 2, insertSpaces: true } });
    return applyEdits(f.text, edits);
  },
  async rangeformat(f) {
    const edits = await client.request<Edit[]>("textDocument/rangeFormatting", { textDocument: { uri: uriOf(f.file) }, range: { start: f.cursor!, end: f.end! }, options: { tabSize: 2, insertSpaces: true } });
    return applyEdits(f.text, edits);
  },
  async diagnostics(_f, diagnostics) {
    return diagnosticLines(diagnostics, dir).join("\n");
  },
};

let legendCache: { tokenTypes: string[]; tokenModifiers: string[] } | undefined;
async function tokenLegend() {
  if (!legendCache) {
    // The legend comes from initialize; a second client would cost a spawn, so read it from the server module.
    const { semanticTokensLegend } = await import("../../lsp/features/semanticTokens.js");
    legendCache = semanticTokensLegend;
  }
  return legendCache;
}

const fixtures = readdirSync(dir).filter((n) => n.endsWith(".align")).sort();

describe("language server protocol fixtures", () => {
  it("has a fixture for every feature", () => {
    const covered = new Set(fixtures.map((n) => n.split("-")[0]));
    expect([...Object.keys(features)].filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const name of fixtures) {
    const feature = name.split("-")[0]!;
    it(name, async () => {
      const run = features[feature];
      expect(run, `no feature \`${feature}\` (file names start with one of ${Object.keys(features).join(", ")})`).toBeDefined();
      const f = load(name);
      const needsCursor = !["tokens", "inlay", "symbols", "folding", "format", "diagnostics"].includes(feature);
      expect(f.cursor !== undefined, `${name}: cursor marker ${MARKER}`).toBe(needsCursor);
      const published = await client.open(f.file, f.text);
      try {
        const actual = (await run!(f, published.diagnostics)) + "\n";
        const expectedFile = path.join(dir, name.replace(/\.align$/, ".expected"));
        if (accept) writeFileSync(expectedFile, actual);
        expect(existsSync(expectedFile), `${expectedFile} is missing (ALIGN_ACCEPT=1 writes it)`).toBe(true);
        expect(actual, `${name} (ALIGN_ACCEPT=1 rewrites the expected file)`).toBe(readFileSync(expectedFile, "utf8"));
      } finally {
        await client.close(f.file);
      }
    });
  }
});
