import { fieldLines } from "../../compiler/schema/describe.js";
import { kinds, kindSpec, variantSpec } from "../../compiler/schema/registry.js";
import type { FieldMap, KindSpec } from "../../compiler/schema/types.js";
import { didYouMean } from "../../compiler/diagnostics/suggest.js";

/** `align schema [KIND[.VARIANT]]`: the field reference from the schema registry. */
export async function runSchema(target: string | undefined): Promise<number> {
  if (!target) {
    process.stdout.write(kinds.map((k) => kindSummary(k)).join("\n") + "\nRun `align schema KIND` or `align schema KIND.VARIANT` for the fields.\n");
    return 0;
  }
  const [kindName = "", variantName] = target.split(".");
  const kind = kindSpec(kindName);
  if (!kind) return unknown(`kind \`${kindName}\``, kindName, kinds.map((k) => k.name));
  if (variantName === undefined) {
    process.stdout.write(kindDetail(kind));
    return 0;
  }
  const variant = variantSpec(kind, variantName);
  if (!variant) return unknown(`${kind.name} variant \`${variantName}\``, variantName, (kind.variants ?? []).map((v) => v.name));
  const lines = [`${kind.name} = ${variant.name}: ${variant.doc}`, ""];
  if (variant.produces) lines.push(`produces: ${variant.produces}`, "");
  lines.push(...fieldLines({ ...kind.common, ...variant.fields }));
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}

function unknown(what: string, name: string, candidates: string[]): number {
  const hint = didYouMean(name, candidates);
  process.stderr.write(`align: unknown ${what}${hint ? `; ${hint}` : ""} (known: ${candidates.join(", ")})\n`);
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
