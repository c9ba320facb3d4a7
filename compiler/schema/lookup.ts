import { defaultText, typeText } from "./describe.js";
import { declarationFields, kinds, kindSpec } from "./registry.js";
import type { CallVariant, FieldMap, FieldSpec, FieldType, KindSpec, VariantSpec } from "./types.js";

/**
 * Paths into the schema, as `align schema` takes them: `KIND`, `KIND.VARIANT`, and on through
 * fields and their call shapes (`task.optimizer.crpg`, `stage.sft.lora`, `model.from.hf`).
 * Also the schema as JSON data for tools (`align schema --json`).
 */

export type SchemaNode =
  | { readonly at: "kind"; readonly path: string; readonly kind: KindSpec }
  | { readonly at: "variant"; readonly path: string; readonly kind: KindSpec; readonly variant: VariantSpec | CallVariant; readonly fields: FieldMap }
  | { readonly at: "field"; readonly path: string; readonly name: string; readonly spec: FieldSpec };

export type LookupResult = { readonly node: SchemaNode } | { readonly error: { readonly segment: string; readonly what: string; readonly candidates: readonly string[] } };

export function lookupSchema(target: string): LookupResult {
  const [kindName = "", ...rest] = target.split(".");
  const kind = kindSpec(kindName);
  if (!kind) return { error: { segment: kindName, what: "kind", candidates: kinds.map((k) => k.name) } };
  let node: SchemaNode = { at: "kind", path: kind.name, kind };
  for (const segment of rest) {
    const next = step(node, segment);
    if ("error" in next) return next;
    node = next.node;
  }
  return { node };
}

function step(node: SchemaNode, segment: string): LookupResult {
  const path = `${node.path}.${segment}`;
  if (node.at === "kind") {
    const variant = node.kind.variants?.find((v) => v.name === segment);
    if (variant) return { node: { at: "variant", path, kind: node.kind, variant, fields: declarationFields(node.kind, variant) } };
    const spec = node.kind.common[segment];
    if (spec) return { node: { at: "field", path, name: segment, spec } };
    return { error: { segment, what: `${node.kind.name} variant or field`, candidates: [...(node.kind.variants ?? []).map((v) => v.name), ...Object.keys(node.kind.common)] } };
  }
  if (node.at === "variant") {
    const spec = node.fields[segment];
    if (spec) return { node: { at: "field", path, name: segment, spec } };
    return { error: { segment, what: `field of ${node.path}`, candidates: Object.keys(node.fields) } };
  }
  const type = itemType(node.spec.type);
  if (type.kind === "variants") {
    const variant = type.variants.find((v) => v.name === segment);
    if (variant) return { node: { at: "variant", path, kind: kindOf(path), variant, fields: variant.fields } };
    return { error: { segment, what: `\`${node.name}\` variant`, candidates: type.variants.map((v) => v.name) } };
  }
  if (type.kind === "block") {
    const spec = type.fields[segment];
    if (spec) return { node: { at: "field", path, name: segment, spec } };
    return { error: { segment, what: `field of \`${node.name}\``, candidates: Object.keys(type.fields) } };
  }
  return { error: { segment, what: `part of \`${node.name}\` (a ${typeText(node.spec.type)} has none)`, candidates: [] } };
}

function itemType(type: FieldType): FieldType {
  return type.kind === "list" ? itemType(type.item) : type;
}

function kindOf(path: string): KindSpec {
  return kindSpec(path.split(".")[0]!)!;
}

/** A field as JSON: its type (structured and as text), default, whether it is required, and its doc. */
export function fieldJson(spec: FieldSpec): Record<string, unknown> {
  return {
    type: typeJson(spec.type),
    typeText: typeText(spec.type),
    required: spec.default === undefined,
    default: spec.default === undefined ? null : spec.default,
    defaultText: defaultText(spec),
    doc: spec.doc,
  };
}

export function fieldsJson(fields: FieldMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([name, spec]) => [name, fieldJson(spec)]));
}

function typeJson(type: FieldType): Record<string, unknown> {
  switch (type.kind) {
    case "list":
      return { kind: "list", item: typeJson(type.item), ...(type.nonEmpty ? { nonEmpty: true } : {}) };
    case "block":
      return { kind: "block", fields: fieldsJson(type.fields) };
    case "map":
      return { kind: "map", value: typeJson(type.value) };
    case "variants":
      return { kind: "variants", discriminator: type.discriminator, variants: type.variants.map(variantJson) };
    default:
      return { ...type };
  }
}

export function variantJson(v: VariantSpec | CallVariant): Record<string, unknown> {
  return {
    name: v.name,
    doc: v.doc,
    positional: v.positional,
    ...("produces" in v && v.produces ? { produces: v.produces } : {}),
    fields: fieldsJson(v.fields),
  };
}

export function kindJson(kind: KindSpec): Record<string, unknown> {
  return {
    name: kind.name,
    doc: kind.doc,
    syntax: kind.syntax,
    naming: kind.naming,
    common: fieldsJson(kind.common),
    variants: kind.variants ? kind.variants.map(variantJson) : null,
  };
}

export function nodeJson(node: SchemaNode): Record<string, unknown> {
  if (node.at === "kind") return { path: node.path, ...kindJson(node.kind) };
  if (node.at === "variant") return { path: node.path, ...variantJson(node.variant), fields: fieldsJson(node.fields) };
  return { path: node.path, name: node.name, ...fieldJson(node.spec) };
}
