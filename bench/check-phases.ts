/**
 * Where compile() spends its time after parsing, on the generated ~5 MB recipe: the phases of
 * compiler/check/checker.ts's driver (load, symbols, the type check, lowering, each rule,
 * serializing plan.json) timed one by one, and compile() itself with the parse taken out (a
 * host that hands back one parse of the file, as the language server's host does).
 *
 *   npm run build && node --expose-gc dist/bench/check-phases.js [--mb 5] [--runs 5]
 *
 * The driver's phases are repeated here in its order, so this file follows checker.ts.
 */
import * as path from "node:path";
import { checkAll } from "../compiler/check/checker.js";
import { allRules } from "../compiler/check/rules/index.js";
import type { RuleContext } from "../compiler/check/rule.js";
import { makeDiagnostic } from "../compiler/diagnostics/make.js";
import { estimateMemory } from "../compiler/estimate/index.js";
import type { EstimatePlan } from "../compiler/estimate/types.js";
import { compile, memoryHost, type CompilerHost } from "../compiler/index.js";
import { lowerPlan } from "../compiler/plan/lower.js";
import { serializePlan } from "../compiler/plan/serialize.js";
import type { Plan } from "../compiler/plan/types.js";
import { loadProgram } from "../compiler/resolve/load.js";
import { buildSymbols } from "../compiler/resolve/symbols.js";
import { parse } from "../grammar/index.js";
import { generateRecipe } from "./lib/generateRecipe.js";
import { formatRow, loadLine, medianOf } from "./lib/measure.js";

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

type Phases = Map<string, number>;

function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
}

/** Runs `fn`, adding its CPU ms to `phases` under `name`. */
function timed<T>(phases: Phases, name: string, fn: () => T): T {
  const start = cpuMs();
  const out = fn();
  phases.set(name, (phases.get(name) ?? 0) + cpuMs() - start);
  return out;
}

/** One pass of checker.ts's driver, phase by phase. */
function phasesOnce(file: string, host: CompilerHost): Phases {
  const phases: Phases = new Map();
  const program = timed(phases, "load (parse cached)", () => loadProgram(file, host, process.cwd()))!;
  const { table } = timed(phases, "symbols", () => buildSymbols(program.modules));
  const diagnostics: ReturnType<typeof makeDiagnostic>[] = [];
  const declarations = timed(phases, "check declarations", () => checkAll(table, program, host, diagnostics));
  const readFile = (p: string) => host.readFile(path.resolve(program.rootDir, p));
  const root = program.modules[0]!.document;
  const lowered = timed(phases, "lower (with estimate)", () =>
    lowerPlan({
      declarations,
      rootFile: path.basename(root.file),
      rootSpan: { ...root.span, length: 0 },
      relativeFile: (f) => f,
      io: { readFile },
      estimate: (p) => estimateMemory(p as unknown as EstimatePlan, { readFile }) as unknown as Record<string, unknown>,
    }),
  );
  const context: RuleContext = {
    plan: lowered.plan as unknown as Plan,
    entriesOf: lowered.entriesOf as RuleContext["entriesOf"],
    documents: program.documents,
    rootDir: program.rootDir,
    spanOf: lowered.spanOf,
    textOf: (document) => program.texts.get(document),
    readFile,
    diagnostic: (code, span, message, extra) => makeDiagnostic(code, span, message, extra),
  };
  for (const rule of allRules) timed(phases, `rule ${rule.name}`, () => rule.check(context));
  timed(phases, "serialize plan.json", () => serializePlan(lowered.plan));
  return phases;
}

function main(): void {
  const runs = argValue("runs", 5);
  const recipe = generateRecipe(argValue("mb", 5) * 1e6);
  const file = path.resolve(".bench-out", "generated.align");
  const parsed = parse(recipe.align, file);
  const host: CompilerHost = { ...memoryHost({ [file]: recipe.align }), parse: () => parsed };
  const gc = (globalThis as { gc?: () => void }).gc;

  const all: Phases[] = [];
  const whole: number[] = [];
  phasesOnce(file, host);
  for (let i = 0; i < runs; i++) {
    gc?.();
    all.push(phasesOnce(file, host));
    gc?.();
    const start = cpuMs();
    void compile(file, { host }).planJson;
    whole.push(cpuMs() - start);
  }
  console.log(loadLine("now"));
  console.log(`generated recipe ${(recipe.align.length / 1e6).toFixed(2)} MB, ${recipe.declarations} declarations; CPU ms, median of ${runs}`);
  const names = [...all[0]!.keys()];
  const medians = names.map((name) => [name, medianOf(all.map((p) => p.get(name) ?? 0))] as const);
  const shown = medians.filter(([name, ms]) => !name.startsWith("rule ") || ms >= 2);
  const rulesLeft = medians.filter(([name, ms]) => name.startsWith("rule ") && ms < 2).reduce((sum, [, ms]) => sum + ms, 0);
  for (const [name, ms] of shown) console.log(formatRow([name, ms.toFixed(1)], [40, 10]));
  console.log(formatRow(["the other rules (< 2 ms each)", rulesLeft.toFixed(1)], [40, 10]));
  console.log(formatRow(["sum of phases", medians.reduce((sum, [, ms]) => sum + ms, 0).toFixed(1)], [40, 10]));
  console.log(formatRow(["compile() + planJson, parse cached", medianOf(whole).toFixed(1)], [40, 10]));
}

main();
