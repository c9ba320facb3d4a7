import * as path from "node:path";
import type { Span } from "../../grammar/span.js";
import type { CheckedDeclaration } from "../check/declarations.js";
import { fromPlan, get, leaf, object, sortedObject, toJson, type LObject, type LValue } from "../check/located.js";
import { clusterFields, recipeFields } from "../schema/kinds/infra.js";
import type { PlanValue } from "../schema/types.js";
import type { NamedSection } from "./types.js";
import { COMPILER_VERSION, PLAN_VERSION } from "../version.js";
import { judgeJson, lowerDataset, lowerJudge, lowerModel, lowerStage, stageNeeds, type DeclarationOf, type LowerIO } from "./kinds.js";
import { stageOrder } from "./order.js";
import { provenanceOf, spanAt, spansOf, type LocatedSection } from "./provenance.js";

/**
 * Lowers checked declarations to plan.json (docs/plan.md): top-level sections in a fixed
 * order, maps sorted by key, every default filled in, and a provenance entry (JSON Pointer →
 * `file:line:col` or `default`) for every leaf of the declaration sections.
 */

export interface LowerInput {
  /** The checked declarations by kind name (`model`, `judge`, ...), each kind in check order. */
  readonly declarations: ReadonlyMap<string, readonly CheckedDeclaration[]>;
  /** The root recipe's path relative to the root directory (its basename). */
  readonly rootFile: string;
  /** Span standing for "the recipe" when nothing more precise exists (start of the root file). */
  readonly rootSpan: Span;
  /** Maps a span's display file to its path relative to the root directory. */
  readonly relativeFile: (displayFile: string) => string;
  readonly io: LowerIO;
  /** Memory estimates by stage, computed from the plan without estimates. */
  readonly estimate?: (plan: Record<string, unknown>) => Record<string, unknown>;
}

export interface LoweredPlan {
  /** plan.json as plain data, keys in output order. */
  readonly plan: Record<string, PlanValue>;
  /** Span of every value by JSON Pointer (defaults: the declaration header). */
  readonly spans: ReadonlyMap<string, Span>;
  /** The span of one value (what `spans.get` returns, found without building `spans`). */
  spanOf(pointer: string): Span | undefined;
  /**
   * `Object.entries` of a named section, listed as the section was built: a section of thousands
   * of declarations is a dictionary object, slow to list and to read by key.
   */
  entriesOf(section: NamedSection): ReadonlyArray<readonly [string, PlanValue]>;
}

export function lowerPlan(input: LowerInput): LoweredPlan {
  const byKind = (kind: string): readonly CheckedDeclaration[] => input.declarations.get(kind) ?? [];
  const follow = referencedDeclarations(byKind("task"), byKind("reward"));
  const how: SectionInput = { io: input.io, follow };
  const named = NAMED_SECTIONS.map(([section, kind]) => [section, byName(byKind(kind))] as const);
  const recipe = () => lowerRecipe(byKind("recipe")[0], input);
  const cluster = () => byKind("cluster")[0]?.fields ?? defaults(clusterFields, input.rootSpan);
  const launch = () => sortedObject(byKind("launch").map((d) => [d.variant!.name, d.fields] as const), input.rootSpan);
  const plan: Record<string, PlanValue> = {
    version: PLAN_VERSION,
    compiler: { name: "align", version: COMPILER_VERSION },
    recipe: toJson(recipe()),
  };
  // Each declaration's lowered value lives only until it is JSON: the located copies are what
  // spans and provenance need, and they are built again (below) only when those are read.
  const sections = {} as Record<NamedSection, SectionList>;
  for (const [section, declarations] of named) plan[section] = sectionObject((sections[section] = listSection(section, declarations, how)));
  plan.stage_order = orderOf(byKind("stage"), follow);
  plan.cluster = toJson(cluster());
  plan.launch = toJson(launch());
  plan.estimates = {};
  plan.provenance = {};
  plan.estimates = (input.estimate?.(plan) ?? {}) as PlanValue;
  let declared: LocatedSection[] | undefined;
  const located = () =>
    (declared ??= [
      ["recipe", recipe()],
      ...named.map(([section, declarations]): LocatedSection => [section, object(declarations.map((d) => [d.symbol.qualifiedName, lowerFor(section, d, how)]), input.rootSpan)]),
      ["cluster", cluster()],
      ["launch", launch()],
    ]);
  return withLocations(plan, entriesOf(sections), located, input.relativeFile);
}

/**
 * The plan with its provenance, spans and spanOf built from the located sections on first use:
 * they cost as much as the rest of checking (a pointer string for every value), and `align
 * check` of a recipe without errors reads none of them. `provenance` keeps its place among the
 * plan's keys.
 */
function withLocations(plan: Record<string, PlanValue>, entriesOf: LoweredPlan["entriesOf"], located: () => readonly LocatedSection[], relativeFile: (file: string) => string): LoweredPlan {
  let spans: Map<string, Span> | undefined;
  Object.defineProperty(plan, "provenance", {
    enumerable: true,
    configurable: true,
    get() {
      const provenance = provenanceOf(located(), relativeFile);
      Object.defineProperty(plan, "provenance", { value: provenance, enumerable: true, writable: true, configurable: true });
      return provenance;
    },
  });
  return {
    plan,
    entriesOf,
    get spans() {
      return (spans ??= spansOf(located()));
    },
    spanOf: (pointer) => (spans ? spans.get(pointer) : spanAt(located(), pointer)),
  };
}

/** A named section's names and JSON values, in the section's order. */
interface SectionList {
  readonly keys: readonly string[];
  readonly values: readonly PlanValue[];
}

/**
 * A section's object. A function of its own (not a loop in lowerPlan): lowerPlan runs once per
 * plan, and its loop's on-stack-optimized code was thrown away at every plan when it reached
 * the statements after the loop.
 */
function sectionObject({ keys, values }: SectionList): Record<string, PlanValue> {
  const out: Record<string, PlanValue> = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i]!;
  return out;
}

/** `Object.entries` of each section from its lists, paired on first use. */
function entriesOf(sections: Readonly<Record<NamedSection, SectionList>>): LoweredPlan["entriesOf"] {
  const paired = new Map<NamedSection, ReadonlyArray<readonly [string, PlanValue]>>();
  return (section) => {
    let entries = paired.get(section);
    if (entries === undefined) {
      const { keys, values } = sections[section];
      paired.set(section, (entries = keys.map((key, i) => [key, values[i]!] as const)));
    }
    return entries;
  };
}

/** The sections of named declarations in plan order, and the kind each holds. */
const NAMED_SECTIONS: ReadonlyArray<readonly [NamedSection, string]> = [
  ["models", "model"],
  ["rewards", "reward"],
  ["datasets", "dataset"],
  ["judges", "judge"],
  ["tasks", "task"],
  ["stages", "stage"],
];

/** What lowering a declaration for its section reads besides the declaration. */
interface SectionInput {
  readonly io: LowerIO;
  readonly follow: DeclarationOf;
}

/*
 * The per-declaration lowering is module-level functions, not closures made for each plan: V8
 * keeps a closure's optimized code only while the closure lives, so closures made per plan (and
 * called for every declaration) ran unoptimized again after every full garbage collection.
 */

/** A declaration lowered for its section, located (spans and provenance are built from it). */
function lowerFor(section: NamedSection, d: CheckedDeclaration, how: SectionInput): LObject {
  switch (section) {
    case "models":
      return lowerModel(d, how.io);
    case "datasets":
      return lowerDataset(d);
    case "judges":
      return lowerJudge(d);
    case "stages":
      return lowerStage(d, how.follow);
    case "rewards":
    case "tasks":
      return d.fields;
  }
}

/** `toJson(lowerFor(...))`, written directly for judges (recipes have thousands of them). */
function jsonFor(section: NamedSection, d: CheckedDeclaration, how: SectionInput): PlanValue {
  return section === "judges" ? judgeJson(d) : toJson(lowerFor(section, d, how));
}

/** A section's names and JSON values, in the (sorted) order of `declarations`. */
function listSection(section: NamedSection, declarations: readonly CheckedDeclaration[], how: SectionInput): SectionList {
  const keys = new Array<string>(declarations.length);
  const values = new Array<PlanValue>(declarations.length);
  for (let i = 0; i < declarations.length; i++) {
    const d = declarations[i]!;
    keys[i] = d.symbol.qualifiedName;
    values[i] = jsonFor(section, d, how);
  }
  return { keys, values };
}

/** Sorted by qualified name: maps in the plan are sorted by key. */
function byName(declarations: readonly CheckedDeclaration[]): CheckedDeclaration[] {
  return [...declarations].sort((a, b) => (a.symbol.qualifiedName < b.symbol.qualifiedName ? -1 : a.symbol.qualifiedName > b.symbol.qualifiedName ? 1 : 0));
}

function lowerRecipe(decl: CheckedDeclaration | undefined, input: LowerInput): LObject {
  const fields = decl?.fields ?? defaults(recipeFields, input.rootSpan);
  const nameId = decl?.symbol.declaration.name;
  const name = nameId ? leaf(nameId.name, nameId.span) : leaf(path.posix.basename(input.rootFile, ".align"), input.rootSpan, true);
  return object(
    [
      ["name", name],
      ["seed", get(fields, "seed")!],
      ["file", leaf(input.rootFile, input.rootSpan, true)],
      ["description", get(fields, "description")!],
      ["output_dir", get(fields, "output_dir")!],
      ["max_judge_error_rate", get(fields, "max_judge_error_rate")!],
      ["tracking", get(fields, "tracking")!],
    ],
    fields.span,
  );
}

function defaults(fields: Record<string, { default: PlanValue | undefined }>, span: Span): LObject {
  return object(Object.entries(fields).map(([k, f]) => [k, fromPlan(f.default ?? null, span)] as const), span, true);
}

function orderOf(stages: readonly CheckedDeclaration[], follow: DeclarationOf): string[] {
  return stageOrder(stages.map((d) => ({ name: d.symbol.qualifiedName, needs: [...stageNeeds(d.fields, follow)] })));
}

/** Follows `{"task": t}` and `{"reward": r}` to those declarations, so a stage needs what its tasks' rewards read. */
function referencedDeclarations(tasks: readonly CheckedDeclaration[], rewards: readonly CheckedDeclaration[]): DeclarationOf {
  // Listed on the first reference followed (only stages follow them; most recipes have few).
  let byRef: Map<string, LValue> | undefined;
  const list = () => {
    const out = new Map<string, LValue>();
    for (const d of tasks) out.set(`task:${d.symbol.qualifiedName}`, d.fields);
    for (const d of rewards) out.set(`reward:${d.symbol.qualifiedName}`, d.fields);
    return out;
  };
  return (reference) => {
    const keys = Object.keys(reference.entries);
    if (keys.length !== 1) return undefined;
    const kind = keys[0]!;
    const name = reference.entries[kind]!;
    return name.t === "leaf" && typeof name.value === "string" ? (byRef ??= list()).get(`${kind}:${name.value}`) : undefined;
  };
}
