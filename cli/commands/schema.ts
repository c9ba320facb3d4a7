import { fieldLines } from "../../compiler/schema/describe.js";
import { kindJson, lookupSchema, nodeJson, type SchemaNode } from "../../compiler/schema/lookup.js";
import { kinds } from "../../compiler/schema/registry.js";
import type { KindSpec } from "../../compiler/schema/types.js";
import { didYouMean } from "../../compiler/diagnostics/suggest.js";

/** `align schema [PATH] [--json]`: the field reference from the schema registry (PATH: `judge.code_tests`, `task.optimizer.crpg`). */
export async function runSchema(target: string | undefined, opts: { json?: boolean } = {}): Promise<number> {
  if (!target) {
    if (opts.json) process.stdout.write(JSON.stringify({ kinds: kinds.map(kindJson) }, null, 2) + "\n");
    else process.stdout.write(kinds.map((k) => kindSummary(k)).join("\n") + "\nRun `align schema KIND`, `align schema KIND.VARIANT` or a longer path (`task.optimizer.crpg`) for the fields.\n");
    return 0;
  }
  const found = lookupSchema(target);
  if ("error" in found) return unknown(found.error.what, found.error.segment, [...found.error.candidates]);
  if (opts.json) process.stdout.write(JSON.stringify(nodeJson(found.node), null, 2) + "\n");
  else process.stdout.write(nodeText(found.node));
  return 0;
}

function nodeText(node: SchemaNode): string {
  if (node.at === "kind") return kindDetail(node.kind);
  if (node.at === "variant") {
    const produces = "produces" in node.variant && node.variant.produces ? node.variant.produces : undefined;
    const head = node.path.split(".").length === 2 ? `${node.kind.name} = ${node.variant.name}` : `${node.path}`;
    const lines = [`${head}: ${node.variant.doc}`, ""];
    if (produces) lines.push(`produces: ${produces}`, "");
    lines.push(...fieldLines(node.fields));
    return lines.join("\n") + "\n";
  }
  const nested = node.spec.type.kind === "block" ? ["", ...fieldLines(node.spec.type.fields)] : [];
  return [`${node.path}:`, ...fieldLines({ [node.name]: node.spec }), ...nested].join("\n") + "\n";
}

function unknown(what: string, name: string, candidates: string[]): number {
  const hint = didYouMean(name, candidates);
  const known = candidates.length > 0 ? ` (known: ${candidates.join(", ")})` : "";
  process.stderr.write(`align: unknown ${what} \`${name}\`${hint ? `; ${hint}` : ""}${known}\n`);
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
