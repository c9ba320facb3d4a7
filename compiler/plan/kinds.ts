import { posix } from "node:path";
import { architectureOfConfig, builtinArchitecture } from "../estimate/architecture.js";
import { hubConfig } from "../estimate/models.js";
import type { CheckedDeclaration } from "../check/declarations.js";
import { get, has, leaf, object, objectOf, scalar, sortedObject, toJsonInto, type LObject, type LValue } from "../check/located.js";
import type { PlanValue } from "../schema/types.js";
import { logicalFields } from "../schema/kinds/dataset.js";
import { stageOutputs } from "../schema/kinds/stages.js";

/**
 * Per-kind reshaping from checked fields to the plan objects of docs/plan.md: the dataset's
 * logical fields gather into `fields`, judges and stages get their `variant` first, stages
 * their `needs` and `output`, models a computed dtype and size.
 */

export interface LowerIO {
  /** Reads a file relative to the root recipe's directory. */
  readFile(relativePath: string): string | undefined;
  /** The local Hugging Face hub cache (absolute), for `hf(...)` models' config.json. */
  readonly hubCache?: string;
}

export function lowerModel(decl: CheckedDeclaration, io: LowerIO): LObject {
  const from = get(decl.fields, "from");
  const type = scalar(get(from, "type"));
  const entries = { ...decl.fields.entries };
  const dtype = get(decl.fields, "dtype");
  if (type === "builtin" && dtype?.isDefault) entries["dtype"] = leaf("fp32", dtype.span, true);
  const params = get(decl.fields, "params");
  if (params && scalar(params) === null) {
    const computed = computedParams(from, io);
    if (computed !== undefined) entries["params"] = leaf(computed, params.span, true);
  }
  return objectOf(entries, decl.fields.span);
}

function computedParams(from: LValue | undefined, io: LowerIO): number | undefined {
  const num = (key: string) => Number(scalar(get(from, key)));
  switch (scalar(get(from, "type"))) {
    case "builtin":
      return builtinArchitecture(num("layers"), num("width"), num("heads"), num("context"), num("vocab")).params;
    case "local": {
      const dir = String(scalar(get(from, "path")));
      const text = io.readFile(posix.join(dir, "config.json"));
      return text === undefined ? undefined : architectureOfConfig(text)?.params;
    }
    case "hf": {
      const text = hubConfig(io, String(scalar(get(from, "id"))), String(scalar(get(from, "revision")) ?? "main"));
      return text === undefined ? undefined : architectureOfConfig(text)?.params;
    }
    default:
      return undefined;
  }
}

export function lowerDataset(decl: CheckedDeclaration): LObject {
  const f = decl.fields;
  const mapped: [string, LValue][] = [];
  for (const name of Object.keys(logicalFields)) {
    const column = get(f, name);
    if (column && scalar(column) !== null) mapped.push([name, column]);
  }
  const extra = get(f, "fields");
  if (extra?.t === "object") for (const key in extra.entries) mapped.push([key, extra.entries[key]!]);
  return object(
    [
      ["type", leaf(decl.variant?.name ?? "jsonl", decl.symbol.declaration.variant?.span ?? decl.headerSpan)],
      ["path", get(f, "path")!],
      ["fields", sortedObject(mapped, extra?.span ?? decl.headerSpan, extra?.isDefault ?? true)],
      ["limit", get(f, "limit")!],
      ["shuffle", get(f, "shuffle")!],
    ],
    f.span,
  );
}

/** `toJson(lowerJudge(decl))` without the lowered copy (recipes have thousands of judges). */
export function judgeJson(decl: CheckedDeclaration): PlanValue {
  return toJsonInto({ variant: decl.variant!.name }, decl.fields.entries);
}

export function lowerJudge(decl: CheckedDeclaration): LObject {
  return objectOf({ variant: leaf(decl.variant!.name, decl.symbol.declaration.variant!.span), ...decl.fields.entries }, decl.fields.span);
}

/** Stage names referenced anywhere in a stage's fields (`{"stage": name, "output": ...}`). */
export function stageNeeds(value: LValue, follow: DeclarationOf = () => undefined, out = new Set<string>(), seen = new Set<LValue>()): Set<string> {
  if (value.t === "list") value.items.forEach((item) => stageNeeds(item, follow, out, seen));
  if (value.t === "object") {
    const stage = get(value, "stage");
    if (stage?.t === "leaf" && typeof stage.value === "string" && has(value.entries, "output")) out.add(stage.value);
    // A task's reward (and so the stages it reads: a reward_model's output, a generated baseline).
    const referenced = follow(value);
    if (referenced && !seen.has(referenced)) {
      seen.add(referenced);
      stageNeeds(referenced, follow, out, seen);
    }
    for (const key in value.entries) stageNeeds(value.entries[key]!, follow, out, seen);
  }
  return out;
}

/** The lowered declaration a reference object such as `{"task": "t"}` names, if followed. */
export type DeclarationOf = (reference: LObject) => LValue | undefined;

export function lowerStage(decl: CheckedDeclaration, follow?: DeclarationOf): LObject {
  const name = decl.variant!.name as keyof typeof stageOutputs;
  const at = decl.symbol.declaration.variant!.span;
  const needs = [...stageNeeds(decl.fields, follow)].sort().map((n) => leaf(n, decl.headerSpan));
  return objectOf(
    {
      variant: leaf(name, at),
      needs: { t: "list", items: needs, span: decl.headerSpan, isDefault: false },
      output: leaf(stageOutputs[name], at),
      ...decl.fields.entries,
    },
    decl.fields.span,
  );
}
