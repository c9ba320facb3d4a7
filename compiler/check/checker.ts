import * as path from "node:path";
import type { Document } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import { TypeCode } from "../diagnostics/compilerCodes.js";
import { makeDiagnostic } from "../diagnostics/make.js";
import { estimateMemory } from "../estimate/index.js";
import type { EstimatePlan } from "../estimate/types.js";
import { lowerPlan, type LoweredPlan } from "../plan/lower.js";
import type { Plan } from "../plan/types.js";
import type { CompilerHost } from "../resolve/host.js";
import { loadProgram, type LoadedProgram, type Module } from "../resolve/load.js";
import { buildSymbols, type DeclSymbol, type SymbolTable } from "../resolve/symbols.js";
import { checkDeclaration, type CheckedDeclaration } from "./declarations.js";
import type { JudgeInputChecks, Rule, RuleContext } from "./rule.js";
import type { CheckScope } from "./scope.js";

/**
 * The checker's driver: load → symbols → type-check every declaration against its schema →
 * lower the well-typed ones to the plan → run the semantic rules on the plan. Diagnostics come
 * back sorted by file and position, deduplicated, and capped per file.
 */

export const MAX_ERRORS_PER_FILE = 100;

export interface CheckOptions {
  readonly host: CompilerHost;
  readonly cwd?: string;
  readonly rules?: readonly Rule[];
  /** The local Hugging Face hub cache, where the estimate reads `hf(...)` models' config.json. */
  readonly hubCache?: string;
  readonly judgeInputChecks?: JudgeInputChecks;
}

export interface CheckResult {
  readonly program: LoadedProgram;
  readonly diagnostics: readonly Diagnostic[];
  /** The plan of the well-typed declarations (complete when there are no errors). */
  readonly plan: Plan;
  /** Span of every plan value by JSON Pointer. */
  readonly spans: ReadonlyMap<string, Span>;
  /** Every declaration by name (the language server resolves references with it). */
  readonly table: SymbolTable;
}

/** Checks a root recipe and its imports; undefined when the root file cannot be read. */
export function checkProgram(rootFile: string, options: CheckOptions): CheckResult | undefined {
  const cwd = options.cwd ?? process.cwd();
  const program = loadProgram(rootFile, options.host, cwd);
  if (!program) return undefined;
  const { table, diagnostics: nameDiagnostics } = buildSymbols(program.modules);
  const diagnostics: Diagnostic[] = [...program.diagnostics, ...nameDiagnostics];
  const declarations = checkAll(table, program, options.host, diagnostics);
  const relativeFile = relativeFiles(program);
  const readFile = cachedReader(program.rootDir, options.host);
  const root = program.modules[0]!.document;
  const lowered = lowerPlan({
    declarations,
    rootFile: path.basename(root.file),
    rootSpan: { ...root.span, length: 0 },
    relativeFile,
    io: { readFile, hubCache: options.hubCache },
    estimate: (p) => estimateMemory(p as unknown as EstimatePlan, { readFile, hubCache: options.hubCache }) as unknown as Record<string, unknown>,
  });
  const typed = lowered.plan as unknown as Plan;
  const context = { ...ruleContext(typed, program, lowered, readFile), hubCache: options.hubCache, judgeInputChecks: options.judgeInputChecks };
  const recovered = recoveredSpans(program.documents);
  for (const rule of options.rules ?? []) diagnostics.push(...rule.check(context).filter((d) => !within(d.span, recovered)));
  return {
    program,
    diagnostics: finish(diagnostics),
    plan: typed,
    // Built on first read (most checks never need it).
    get spans() {
      return lowered.spans;
    },
    table,
  };
}

/**
 * Declarations the parser recovered: their values stand in for text that did not parse (an
 * unterminated string swallowed the fields after it), so a rule's finding there is noise.
 */
function recoveredSpans(documents: readonly Document[]): Span[] {
  const spans: Span[] = [];
  for (const doc of documents) {
    // Indexed: once per check over every declaration, mostly unoptimized (see checkSymbol).
    for (let i = 0; i < doc.items.length; i++) {
      const item = doc.items[i]!;
      if (item.kind === "Declaration" && item.recovered) spans.push(item.span);
    }
  }
  return spans;
}

function within(span: Span | undefined, outer: readonly Span[]): boolean {
  return span !== undefined && outer.some((o) => o.file === span.file && span.offset >= o.offset && span.offset < o.offset + Math.max(o.length, 1));
}

/**
 * Every declaration type-checked, the well-typed ones grouped by kind as they come (the lowering
 * reads them by kind; grouping here, where each symbol was just read, spares another pass over
 * every declaration).
 */
export function checkAll(table: SymbolTable, program: LoadedProgram, host: CompilerHost, diagnostics: Diagnostic[]): Map<string, CheckedDeclaration[]> {
  const into: CheckInto = { byKind: new Map(), scopes: new Map(), shared: { table, host, rootDir: program.rootDir, diagnostics } };
  table.named.forEach(checkSymbol, into);
  table.singletons.forEach(checkSymbol, into);
  return into.byKind;
}

/** Where checkSymbol puts what it checks, and the scopes it made (one per module). */
interface CheckInto {
  readonly byKind: Map<string, CheckedDeclaration[]>;
  readonly scopes: Map<Module, CheckScope>;
  readonly shared: Omit<CheckScope, "module">;
}

/**
 * Checks one symbol into `this`. A module-level function given to `forEach`, not a closure made
 * per check, nor a `for...of` loop: V8 keeps a closure's optimized code only while the closure
 * lives (one made per check ran unoptimized again after every full garbage collection), and a
 * loop that runs once per check runs mostly before it is optimized, where `for...of` allocates
 * a result object per declaration.
 */
function checkSymbol(this: CheckInto, symbol: DeclSymbol): void {
  let scope = this.scopes.get(symbol.module);
  if (scope === undefined) this.scopes.set(symbol.module, (scope = { module: symbol.module, ...this.shared }));
  const checked = checkDeclaration(symbol, scope);
  if (checked === undefined) return;
  const group = this.byKind.get(symbol.kind.name);
  if (group === undefined) this.byKind.set(symbol.kind.name, [checked]);
  else group.push(checked);
}

function relativeFiles(program: LoadedProgram): (file: string) => string {
  const map = new Map(program.modules.map((m) => [m.file, path.relative(program.rootDir, m.absolutePath).split(path.sep).join("/")]));
  return (file) => map.get(file) ?? file;
}

function cachedReader(rootDir: string, host: CompilerHost): (relativePath: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (relativePath) => {
    if (!cache.has(relativePath)) cache.set(relativePath, host.readFile(path.resolve(rootDir, relativePath)));
    return cache.get(relativePath);
  };
}

function ruleContext(plan: Plan, program: LoadedProgram, lowered: LoweredPlan, readFile: (p: string) => string | undefined): RuleContext {
  const documents: readonly Document[] = program.documents;
  return {
    plan,
    entriesOf: lowered.entriesOf as RuleContext["entriesOf"],
    documents,
    rootDir: program.rootDir,
    spanOf: lowered.spanOf,
    textOf: (document) => program.texts.get(document),
    readFile,
    diagnostic: (code, span, message, extra) => makeDiagnostic(code, span, message, extra),
  };
}

const SEVERITY_RANK: Readonly<Record<Diagnostic["severity"], number>> = { error: 0, warning: 1, info: 2 };

/**
 * Errors first, then warnings, then notes (a follow-on warning must not print before the error
 * that explains it); within each, by file (root first as loaded) and offset. Duplicates dropped,
 * capped per file.
 */
function finish(all: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = all.filter((d) => {
    const key = `${d.code}\u0000${d.span?.file}\u0000${d.span?.offset}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const files = [...new Set(unique.map((d) => d.span?.file ?? ""))];
  const sorted = unique
    .map((d, i) => ({ d, i }))
    .sort((a, b) => SEVERITY_RANK[a.d.severity] - SEVERITY_RANK[b.d.severity] || files.indexOf(a.d.span?.file ?? "") - files.indexOf(b.d.span?.file ?? "") || (a.d.span?.offset ?? 0) - (b.d.span?.offset ?? 0) || a.i - b.i)
    .map((x) => x.d);
  return capPerFile(sorted);
}

/** Errors past the cap are replaced by one AL3xxx note; warnings and notes past it are dropped. */
function capPerFile(sorted: readonly Diagnostic[]): Diagnostic[] {
  const errors = new Map<string, number>();
  const others = new Map<string, number>();
  const out: Diagnostic[] = [];
  for (const d of sorted) {
    const file = d.span?.file ?? "";
    if (d.severity !== "error") {
      const n = (others.get(file) ?? 0) + 1;
      others.set(file, n);
      if (n > MAX_ERRORS_PER_FILE) continue;
    } else {
      const n = (errors.get(file) ?? 0) + 1;
      errors.set(file, n);
      if (n === MAX_ERRORS_PER_FILE + 1) {
        out.push(makeDiagnostic(TypeCode.TooManyErrors.code, d.span, `too many errors in ${file}; the rest are not shown`));
      }
      if (n > MAX_ERRORS_PER_FILE) continue;
    }
    out.push(d);
  }
  return out;
}
