import * as path from "node:path";
import type { Document, Import } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import { parse } from "../../grammar/index.js";
import { NameCode } from "../diagnostics/compilerCodes.js";
import type { CompilerHost } from "./host.js";

/**
 * Loads a root recipe and everything it imports. `import "x.align"` merges x's names into the
 * importer's scope; `import "x.align" as ns` puts them under `ns.`. A module is one (file,
 * prefix) pair, so a file imported under two namespaces yields two modules that share one
 * parsed document, and a diamond of merged imports yields one.
 */

export interface Module {
  readonly document: Document;
  /** The path shown in diagnostics (relative to the working directory when the root is). */
  readonly file: string;
  readonly absolutePath: string;
  /** `""` for the root and merged imports of it; `"ns."` (or `"a.b."`) under a namespace. */
  readonly prefix: string;
}

export interface LoadedProgram {
  /** Root first, then imports depth-first in source order. */
  readonly modules: readonly Module[];
  /** Each file's document once, root first. */
  readonly documents: readonly Document[];
  readonly diagnostics: Diagnostic[];
  /** Absolute directory of the root file. */
  readonly rootDir: string;
  /** Text of every loaded file by display path (for rendering code frames). */
  readonly sources: ReadonlyMap<string, string>;
  /** The text each document was parsed from (rules that can rule a document out by its text). */
  readonly texts: ReadonlyMap<Document, string>;
}

interface Loader {
  readonly host: CompilerHost;
  readonly parsed: Map<string, { document: Document; diagnostics: Diagnostic[] } | undefined>;
  readonly modules: Module[];
  readonly seen: Set<string>;
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
  readonly texts: Map<Document, string>;
}

/** Loads `rootFile` (a display path; resolved against `cwd`). Undefined if it cannot be read. */
export function loadProgram(rootFile: string, host: CompilerHost, cwd = process.cwd()): LoadedProgram | undefined {
  const absolutePath = path.resolve(cwd, rootFile);
  const loader: Loader = { host, parsed: new Map(), modules: [], seen: new Set(), diagnostics: [], sources: new Map(), texts: new Map() };
  const root = parseFile(loader, absolutePath, rootFile);
  if (!root) return undefined;
  visit(loader, { document: root, file: rootFile, absolutePath, prefix: "" }, [absolutePath]);
  const documents: Document[] = [];
  const files = new Set<string>();
  for (const m of loader.modules) {
    if (!files.has(m.absolutePath)) documents.push(m.document);
    files.add(m.absolutePath);
  }
  return { modules: loader.modules, documents, diagnostics: loader.diagnostics, rootDir: path.dirname(absolutePath), sources: loader.sources, texts: loader.texts };
}

function parseFile(loader: Loader, absolutePath: string, file: string): Document | undefined {
  if (!loader.parsed.has(absolutePath)) {
    const text = loader.host.readFile(absolutePath);
    if (text === undefined) {
      loader.parsed.set(absolutePath, undefined);
    } else {
      const result = loader.host.parse?.(absolutePath, text, file) ?? parse(text, file);
      loader.parsed.set(absolutePath, result);
      loader.diagnostics.push(...result.diagnostics);
      loader.sources.set(file, text);
      loader.texts.set(result.document, text);
    }
  }
  return loader.parsed.get(absolutePath)?.document;
}

function visit(loader: Loader, module: Module, stack: readonly string[]): void {
  const key = `${module.absolutePath}\u0000${module.prefix}`;
  if (loader.seen.has(key)) return;
  loader.seen.add(key);
  loader.modules.push(module);
  // Indexed, as every loop that runs once per check over every declaration: such a loop runs
  // mostly before it is optimized, where `for...of` allocates a result object per item.
  const items = module.document.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === "Import") visitImport(loader, module, item, stack);
  }
}

function visitImport(loader: Loader, importer: Module, item: Import, stack: readonly string[]): void {
  const target = item.path.value;
  const absolutePath = path.resolve(path.dirname(importer.absolutePath), target);
  const file = path.normalize(path.join(path.dirname(importer.file), target));
  if (stack.includes(absolutePath)) {
    const chain = [...stack.slice(stack.indexOf(absolutePath)), absolutePath].map((p) => path.basename(p)).join(" → ");
    loader.diagnostics.push({
      code: NameCode.ImportCycle.code,
      severity: "error",
      message: `import cycle: ${chain}`,
      span: item.path.span,
      help: "move the shared declarations into a file that both can import",
    });
    return;
  }
  const document = parseFile(loader, absolutePath, file);
  if (!document) {
    const why = loader.host.whyUnreadable?.(absolutePath);
    loader.diagnostics.push({
      code: NameCode.ImportNotFound.code,
      severity: "error",
      message: `cannot read imported file \`${target}\`${why === undefined || why === "no such file" ? "" : `: ${why}`}`,
      span: item.path.span,
      notes: [`looked for ${file}`],
    });
    return;
  }
  const prefix = item.alias ? `${importer.prefix}${item.alias.name}.` : importer.prefix;
  visit(loader, { document, file, absolutePath, prefix }, [...stack, absolutePath]);
}
