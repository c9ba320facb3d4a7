import { datasetKind } from "./kinds/dataset.js";
import { clusterKind, launchKind, recipeKind } from "./kinds/infra.js";
import { judgeKind } from "./kinds/judges.js";
import { modelKind, rewardKind } from "./kinds/models.js";
import { stageKind } from "./kinds/stages.js";
import { taskKind } from "./kinds/tasks.js";
import type { DeclKind, FieldMap, KindSpec, VariantSpec } from "./types.js";

/** Every declaration kind, in the order docs and `align schema` list them. */
export const kinds: readonly KindSpec[] = [
  recipeKind,
  modelKind,
  rewardKind,
  datasetKind,
  judgeKind,
  taskKind,
  stageKind,
  clusterKind,
  launchKind,
];

const byName = new Map<string, KindSpec>(kinds.map((k) => [k.name, k]));

export function kindSpec(name: string): KindSpec | undefined {
  return byName.get(name);
}

export function kindNames(): string[] {
  return kinds.map((k) => k.name);
}

/** Each kind's variants by name (every declaration with a variant looks its variant up). */
const variantsByName = new Map<KindSpec, ReadonlyMap<string, VariantSpec>>(kinds.map((k) => [k, new Map((k.variants ?? []).map((v) => [v.name, v]))]));

export function variantSpec(kind: KindSpec, name: string): VariantSpec | undefined {
  const variants = variantsByName.get(kind);
  return variants ? variants.get(name) : kind.variants?.find((v) => v.name === name);
}

const mergedFields = new WeakMap<VariantSpec, FieldMap>();

/** The fields a declaration of `kind` (and `variant`) accepts, common fields first (merged once per variant). */
export function declarationFields(kind: KindSpec, variant: VariantSpec | undefined): FieldMap {
  if (!variant) return kind.common;
  let fields = mergedFields.get(variant);
  if (fields === undefined) {
    fields = { ...kind.common, ...variant.fields };
    mergedFields.set(variant, fields);
  }
  return fields;
}

export function isDeclKind(name: string): name is DeclKind {
  return byName.has(name);
}
