import { defaultText, typeText } from "../schema/describe.js";
import { kinds } from "../schema/registry.js";
import type { FieldMap, KindSpec, VariantSpec } from "../schema/types.js";

/**
 * docs/language.md: the reference of every kind, variant and field, generated from the schema
 * registry so that it cannot drift from what the checker accepts.
 */
export function languageMarkdown(): string {
  const out = [
    "# The align language reference",
    "",
    "<!-- Generated from compiler/schema by `npm run docs`; do not edit by hand. -->",
    "",
    "The surface syntax (tokens, values, blocks, imports, comments) is described in",
    "[syntax.md](syntax.md). This page lists every declaration kind, its variants and their",
    "fields: type, default and meaning. The same text is shown by `align schema` and on hover in",
    "editors. How each value is encoded in plan.json is described in [plan.md](plan.md).",
    "",
    "Types: `duration` is written `10s`, `500ms`, `2h`; `size` is written `512MiB`, `80GB`;",
    "`ref(K)` is the name of a declaration of kind K (`ns.name` for one imported `as ns`);",
    "DATA is a dataset, a dataset-producing stage or an inline `render(...)`; MODEL is a model or",
    "a model-producing stage's `.model`. `[required]` fields have no default; `[null]` fields are",
    "optional.",
    "",
    "## Kinds",
    "",
    ...kinds.map((k) => `- [${k.name}](#${k.name}): ${k.doc}`),
    "",
  ];
  for (const kind of kinds) out.push(...kindSection(kind));
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function kindSection(kind: KindSpec): string[] {
  const out = [`## ${kind.name}`, "", kind.doc, "", "```", kind.syntax, "```", ""];
  if (Object.keys(kind.common).length > 0) {
    out.push(kind.variants ? "Fields of every variant:" : "Fields:", "", ...fieldTable(kind.common), "");
  }
  for (const variant of kind.variants ?? []) out.push(...variantSection(kind, variant));
  return out;
}

function variantSection(kind: KindSpec, variant: VariantSpec): string[] {
  const produces = variant.produces ? ` Produces a ${variant.produces}.` : "";
  const positional = variant.positional.length > 0 ? ` Positional arguments: ${variant.positional.map((p) => `\`${p}\``).join(", ")}.` : "";
  return [`### ${kind.name} ${variant.name}`, "", `${variant.doc}${produces}${positional}`, "", ...fieldTable(variant.fields), ""];
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function fieldTable(fields: FieldMap): string[] {
  const entries = Object.entries(fields);
  if (entries.length === 0) return ["No fields."];
  const rows = ["| field | type | default | description |", "| --- | --- | --- | --- |"];
  for (const [name, spec] of entries) {
    rows.push(`| \`${name}\` | ${cell(typeText(spec.type))} | ${cell(defaultText(spec))} | ${cell(spec.doc)} |`);
    if (spec.type.kind === "variants") {
      for (const v of spec.type.variants) {
        const args = Object.entries(v.fields).map(([n, f]) => `${n}: ${typeText(f.type)} [${defaultText(f)}]`).join("; ");
        rows.push(`| | \`${v.name}\` | | ${cell(v.doc)}${args ? ` Fields: ${cell(args)}.` : ""} |`);
      }
    }
    if (spec.type.kind === "block") {
      for (const [n, f] of Object.entries(spec.type.fields)) {
        rows.push(`| \`${name}.${n}\` | ${cell(typeText(f.type))} | ${cell(defaultText(f))} | ${cell(f.doc)} |`);
      }
    }
  }
  return rows;
}
