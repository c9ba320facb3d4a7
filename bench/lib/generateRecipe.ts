/**
 * Generates one large, valid recipe three ways with the same content: `.align` text, YAML and
 * JSON. The benchmark compares align's parse+check throughput against `yaml.parse` and
 * `JSON.parse` on the equivalent document, so the content must match declaration for
 * declaration (a YAML/JSON config carries the same kinds, names and fields).
 */

interface GeneratedRecipe {
  readonly align: string;
  readonly yaml: string;
  readonly json: string;
  readonly declarations: number;
}

type Scalar = string | number | boolean;
type FieldValue = Scalar | { ref: string } | { call: string; args: Scalar[] } | { list: string[] };

interface Decl {
  readonly kind: string;
  readonly name: string;
  readonly variant?: string;
  readonly fields: ReadonlyArray<readonly [string, FieldValue]>;
}

/** One group: a model, a reward, three judges and a task that uses them all. */
function group(i: number): Decl[] {
  return [
    { kind: "model", name: `policy_${i}`, fields: [["from", { call: "hf", args: [`org/policy-${i}`] }], ["dtype", "bf16"]] },
    { kind: "reward", name: `rm_${i}`, fields: [["from", { call: "hf", args: [`org/reward-${i}`] }], ["kind", "scalar"]] },
    { kind: "judge", name: `no_apology_${i}`, variant: "regex", fields: [["pattern", `as an ai model ${i}`], ["flags", "i"], ["expect", "no_match"]] },
    { kind: "judge", name: `mentions_${i}`, variant: "contains", fields: [["values", { list: [`alpha${i}`, `beta${i}`] }], ["mode", "any"]] },
    { kind: "judge", name: `short_${i}`, variant: "length", fields: [["unit", "words"], ["max", 200 + (i % 50)]] },
  ];
}

function alignValue(value: FieldValue, enumLike: boolean): string {
  if (typeof value === "string") return enumLike ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if ("ref" in value) return value.ref;
  if ("call" in value) return `${value.call}(${value.args.map((a) => JSON.stringify(a)).join(", ")})`;
  return `[${value.list.map((item) => JSON.stringify(item)).join(", ")}]`;
}

const ENUM_FIELDS = new Set(["dtype", "kind", "expect", "mode", "unit"]);

function alignDecl(decl: Decl): string {
  const head = decl.variant ? `${decl.kind} ${decl.name} = ${decl.variant}` : `${decl.kind} ${decl.name}`;
  const body = decl.fields.map(([key, value]) => `  ${key} = ${alignValue(value, ENUM_FIELDS.has(key))}`);
  return `${head} {\n${body.join("\n")}\n}\n`;
}

function plainValue(value: FieldValue): unknown {
  if (typeof value !== "object") return value;
  if ("ref" in value) return value.ref;
  if ("call" in value) return { [value.call]: value.args.length === 1 ? value.args[0] : value.args };
  return value.list;
}

function plainDecl(decl: Decl): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: decl.kind, name: decl.name };
  if (decl.variant) out.variant = decl.variant;
  for (const [key, value] of decl.fields) out[key] = plainValue(value);
  return out;
}

function yamlScalar(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Block-style YAML, as people write configs by hand (not flow style, which is JSON-like). */
function yamlDecl(decl: Record<string, unknown>): string {
  const lines: string[] = [];
  let first = true;
  for (const [key, value] of Object.entries(decl)) {
    const prefix = first ? "- " : "  ";
    first = false;
    if (Array.isArray(value)) {
      lines.push(`${prefix}${key}:`, ...value.map((item) => `    - ${yamlScalar(item)}`));
    } else if (value !== null && typeof value === "object") {
      const [callee, arg] = Object.entries(value)[0] ?? ["", ""];
      lines.push(`${prefix}${key}:`, `    ${callee}: ${yamlScalar(arg)}`);
    } else {
      lines.push(`${prefix}${key}: ${yamlScalar(value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** A recipe of about `targetBytes` of `.align` text, plus the same content as YAML and JSON. */
export function generateRecipe(targetBytes: number): GeneratedRecipe {
  const alignParts = ["recipe bench {\n  seed = 1\n}\n"];
  const decls: Decl[] = [];
  let size = alignParts[0]!.length;
  for (let i = 0; size < targetBytes; i++) {
    for (const decl of group(i)) {
      const text = alignDecl(decl);
      alignParts.push(text);
      decls.push(decl);
      size += text.length + 1;
    }
  }
  const plain = [{ kind: "recipe", name: "bench", seed: 1 }, ...decls.map(plainDecl)];
  return {
    align: alignParts.join("\n"),
    yaml: plain.map(yamlDecl).join(""),
    json: JSON.stringify(plain, null, 2),
    declarations: decls.length + 1,
  };
}
