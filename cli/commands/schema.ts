import { defaultText, typeText } from "../../compiler/schema/describe.js";
import { kinds, kindSpec, variantSpec } from "../../compiler/schema/registry.js";
import type { CallVariant, FieldMap, FieldType, KindSpec } from "../../compiler/schema/types.js";
import { didYouMean } from "../../compiler/diagnostics/suggest.js";
import { kindJson, lookupSchema, nodeJson } from "../../compiler/schema/lookup.js";

/**
 * `align schema [KIND[.VARIANT][.FIELD[.VARIANT]...]]`: the field reference from the schema
 * registry, down to nested blocks and variants (`task.optimizer`, `task.optimizer.crpg`,
 * `stage.sft.lora`). With `--json`, the same as data for tools.
 */
export async function runSchema(target: string | undefined, opts: { json?: boolean } = {}): Promise<number> {
  if (opts.json) return schemaJson(target);
  if (!target) {
    process.stdout.write(kinds.map((k) => kindSummary(k)).join("\n") + "\nRun `align schema KIND` or `align schema KIND.VARIANT` for the fields.\n");
    return 0;
  }
  const [kindName = "", variantName, ...rest] = target.split(".");
  const kind = kindSpec(kindName);
  if (!kind) return unknown(`kind \`${kindName}\``, kindName, kinds.map((k) => k.name));
  if (variantName === undefined) {
    process.stdout.write(kindDetail(kind));
    return 0;
  }
  const variant = variantSpec(kind, variantName);
  // `task.optimizer`: a kind without variants goes straight to its fields.
  if (!variant && kind.variants === null) return nested(kind.name, kind.common, [variantName, ...rest]);
  if (!variant) return unknown(`${kind.name} variant \`${variantName}\``, variantName, (kind.variants ?? []).map((v) => v.name));
  if (rest.length > 0) return nested(`${kind.name}.${variant.name}`, { ...kind.common, ...variant.fields }, rest);
  const lines = [`${kind.name} = ${variant.name}: ${variant.doc}`, ""];
  if (variant.produces) lines.push(`produces: ${variant.produces}`, "");
  lines.push(...fieldLines({ ...kind.common, ...variant.fields }));
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}

/** `align schema --json [PATH]`: the whole registry, or the kind, variant or field PATH names. */
function schemaJson(target: string | undefined): number {
  if (!target) {
    process.stdout.write(JSON.stringify({ kinds: kinds.map(kindJson) }, null, 2) + "\n");
    return 0;
  }
  const found = lookupSchema(target);
  if ("error" in found) return unknown(`${found.error.what} \`${found.error.segment}\``, found.error.segment, [...found.error.candidates]);
  process.stdout.write(JSON.stringify(nodeJson(found.node), null, 2) + "\n");
  return 0;
}

/** The type inside lists and nullables: what the field's value is made of. */
function innerType(type: FieldType): FieldType {
  return type.kind === "list" ? innerType(type.item) : type;
}

/** Walks FIELD[.VARIANT] segments below `path`'s fields and prints what they lead to. */
function nested(path: string, fields: FieldMap, segments: readonly string[]): number {
  let here = path;
  let current: FieldMap | readonly CallVariant[] = fields;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      const found: CallVariant | undefined = (current as readonly CallVariant[]).find((v) => v.name === segment);
      if (!found) return unknown(`variant \`${segment}\` of \`${here}\``, segment, (current as readonly CallVariant[]).map((v) => v.name));
      current = found.fields;
    } else {
      const map = current as FieldMap;
      const spec = map[segment];
      if (!spec) return unknown(`field \`${segment}\` of \`${here}\``, segment, Object.keys(map));
      const type = innerType(spec.type);
      if (type.kind === "block") current = type.fields;
      else if (type.kind === "variants") current = type.variants;
      else return unknown(`nested fields of \`${here}.${segment}\`: it is ${typeText(spec.type)}, with no fields of its own`, segment, []);
    }
    here = `${here}.${segment}`;
  }
  const lines = Array.isArray(current)
    ? (current as readonly CallVariant[]).flatMap((v) => [`${here} = ${v.name}: ${v.doc}`, ...fieldLines(v.fields), ""])
    : [`${here}:`, ...fieldLines(current as FieldMap), ""];
  process.stdout.write(lines.join("\n"));
  return 0;
}

function unknown(what: string, name: string, candidates: string[]): number {
  const hint = didYouMean(name, candidates);
  const known = candidates.length > 0 ? ` (known: ${candidates.join(", ")})` : "";
  process.stderr.write(`align: unknown ${what}${hint ? `; ${hint}` : ""}${known}\n`);
  return 2;
}

function kindSummary(kind: KindSpec): string {
  const variants = kind.variants ? `\n    variants: ${kind.variants.map((v) => v.name).join(", ")}` : "";
  return `${kind.name.padEnd(8)} ${kind.doc}\n    ${kind.syntax}${variants}\n`;
}

function kindDetail(kind: KindSpec): string {
  const lines = [`${kind.name}: ${kind.doc}`, "", `    ${kind.syntax}`, ""];
  if (Object.keys(kind.common).length > 0) {
    lines.push(kind.variants ? "fields of every variant:" : "fields:", ...fieldLines(kind.common), "");
  }
  for (const v of kind.variants ?? []) {
    lines.push(`${kind.name} = ${v.name}${v.produces ? ` (→ ${v.produces})` : ""}: ${v.doc}`, ...fieldLines(v.fields), "");
  }
  return lines.join("\n");
}

export function fieldLines(fields: FieldMap): string[] {
  const entries = Object.entries(fields);
  if (entries.length === 0) return ["  (no fields)"];
  const width = Math.max(...entries.map(([n]) => n.length));
  return entries.flatMap(([name, spec]) => {
    const inner = innerType(spec.type);
    const deeper = inner.kind === "block" || (inner.kind === "variants" && inner.variants.some((v) => Object.keys(v.fields).length > 0));
    return [
      `  ${name.padEnd(width)}  ${typeText(spec.type)}  [${defaultText(spec)}]`,
      `  ${" ".repeat(width)}  ${spec.doc}${deeper ? ` (its fields: add \`.${name}\` to this schema path)` : ""}`,
    ];
  });
}
