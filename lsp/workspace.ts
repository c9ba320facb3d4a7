import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { parse, type ParseResult } from "../grammar/index.js";
import { LineIndex } from "../grammar/lineIndex.js";
import type { Document } from "../grammar/ast.js";
import { checkProgram, type CheckResult } from "../compiler/check/checker.js";
import { allRules } from "../compiler/check/rules/index.js";
import { judgeInputChecks } from "../runtime/judges/inputChecks.js";
import type { CompilerHost } from "../compiler/resolve/host.js";
import { loadProgram, type LoadedProgram, type Module } from "../compiler/resolve/load.js";
import { buildSymbols, type SymbolTable } from "../compiler/resolve/symbols.js";

/**
 * The server's one model of the recipes it sees: open documents override the disk, each file
 * is parsed once per text (a keystroke re-parses only the file it changed), files on disk
 * (imports, datasets, templates) are read once and dropped on file-watch events, and each
 * open document is checked as a root recipe with exactly the compiler `align check` runs.
 */

export interface Analysis {
  readonly uri: string;
  readonly version: number;
  readonly absolutePath: string;
  readonly text: string;
  readonly lines: LineIndex;
  /** The recipe and its imports, parsed (cheap: one cached parse per file text). */
  readonly program: LoadedProgram;
  readonly table: SymbolTable;
  /** The full check, exactly `align check`'s, computed on first use. */
  readonly checked: CheckResult;
  /** Where display paths in spans are relative to. */
  readonly cwd: string;
}

interface CachedParse {
  readonly text: string;
  readonly file: string;
  readonly result: ParseResult;
}

export class Workspace {
  private readonly parses = new Map<string, CachedParse>();
  private readonly disk = new Map<string, string | undefined>();
  private readonly analyses = new Map<string, Analysis>();
  private readonly lineIndexes = new Map<string, LineIndex>();

  constructor(
    /** Display paths are relative to this directory, as when `align check` runs there. */
    readonly root: string,
    private readonly documents: { get(uri: string): TextDocument | undefined; all(): TextDocument[] },
  ) {}

  /** The analysis of an open document at its current version (cached per version). */
  analysis(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && cached.version === doc.version) return cached;
    const analysis = this.analyze(doc);
    this.analyses.set(uri, analysis);
    return analysis;
  }

  /** The latest analysis, even when the document changed since (for requests that may be slightly stale). */
  lastAnalysis(uri: string): Analysis | undefined {
    return this.analyses.get(uri) ?? this.analysis(uri);
  }

  /** Drops a document's analysis (a file it imports changed); it is redone on next use. */
  invalidate(uri: string): void {
    this.analyses.delete(uri);
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
    const file = uriToPath(uri);
    if (file) this.parses.delete(file);
  }

  /** A file changed on disk (or was created or deleted): drop what was read from it. */
  fileChanged(absolutePath: string): void {
    this.disk.delete(absolutePath);
    this.parses.delete(absolutePath);
    this.lineIndexes.delete(absolutePath);
    // Data files and templates are read by rules too, so every analysis is redone (lazily).
    this.analyses.clear();
  }

  /** Open documents whose last analysis loaded `absolutePath` (the root itself included). */
  dependents(absolutePath: string): string[] {
    return [...this.analyses.values()].filter((a) => this.loads(a, absolutePath)).map((a) => a.uri);
  }

  /** Text of a file as the server sees it: the open buffer, else the disk. */
  readFile(absolutePath: string): string | undefined {
    const doc = this.documents.all().find((d) => uriToPath(d.uri) === absolutePath);
    if (doc) return doc.getText();
    if (!this.disk.has(absolutePath)) this.disk.set(absolutePath, tryRead(absolutePath));
    return this.disk.get(absolutePath);
  }

  /** The parse of a file's current text (cached). */
  parsed(absolutePath: string): ParseResult | undefined {
    const text = this.readFile(absolutePath);
    if (text === undefined) return undefined;
    return this.parseText(absolutePath, text, this.displayPath(absolutePath));
  }

  /** Line index of a loaded file's current text. */
  linesOf(absolutePath: string): LineIndex | undefined {
    const text = this.readFile(absolutePath);
    if (text === undefined) return undefined;
    const cached = this.lineIndexes.get(absolutePath);
    if (cached && cached.text === text) return cached;
    const index = new LineIndex(text);
    this.lineIndexes.set(absolutePath, index);
    return index;
  }

  displayPath(absolutePath: string): string {
    const relative = path.relative(this.root, absolutePath);
    return relative.startsWith("..") || path.isAbsolute(relative) ? absolutePath : relative;
  }

  absolutePath(displayPath: string): string {
    return path.resolve(this.root, displayPath);
  }

  private host(): CompilerHost {
    return {
      readFile: (absolutePath) => this.readFile(absolutePath),
      parse: (absolutePath, text, file) => this.parseText(absolutePath, text, file),
    };
  }

  private parseText(absolutePath: string, text: string, file: string): ParseResult {
    const cached = this.parses.get(absolutePath);
    if (cached && cached.text === text && cached.file === file) return cached.result;
    const result = parse(text, file);
    this.parses.set(absolutePath, { text, file, result });
    return result;
  }

  private analyze(doc: TextDocument): Analysis {
    const absolutePath = uriToPath(doc.uri) ?? doc.uri;
    const text = doc.getText();
    const file = this.displayPath(absolutePath);
    const host = this.host();
    const program = loadProgram(file, host, this.root)!;
    const { table } = buildSymbols(program.modules);
    let checked: CheckResult | undefined;
    const root = this.root;
    return {
      uri: doc.uri,
      version: doc.version,
      absolutePath,
      text,
      lines: this.linesOf(absolutePath)!,
      program,
      table,
      cwd: root,
      get checked() {
        checked ??= checkProgram(file, { host, cwd: root, rules: allRules, judgeInputChecks })!;
        return checked;
      },
    };
  }

  private loads(analysis: Analysis, absolutePath: string): boolean {
    if (analysis.absolutePath === absolutePath) return true;
    const displayPath = this.displayPath(absolutePath);
    return analysis.program.sources.has(displayPath) || analysis.program.modules.some((m) => m.absolutePath === absolutePath);
  }
}

/** The module of the analysed root file (its document and display path). */
export function rootModule(analysis: Analysis): Module {
  return analysis.program.modules[0]!;
}

export function rootDocument(analysis: Analysis): Document {
  return rootModule(analysis).document;
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(absolutePath: string): string {
  return pathToFileURL(absolutePath).href;
}

function tryRead(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, "utf8");
  } catch {
    return undefined;
  }
}
