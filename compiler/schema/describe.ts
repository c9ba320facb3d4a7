import type { FieldMap, FieldSpec, FieldType, PlanValue } from "./types.js";

/**
 * Text for a field's type and default, shared by docs/language.md, `align schema` and hover.
 * Defaults are shown in recipe syntax (`10s`, `512MiB`, `field("answer")`), not plan encoding.
 */

export function typeText(type: FieldType): string {
  switch (type.kind) {
    case "int":
    case "number":
      return type.kind + bounds(type.min, type.max);
    case "string":
      return type.path ? "path" : "string";
    case "bool":
      return "bool";
    case "duration":
      return "duration";
    case "size":
      return "size";
    case "enum":
      return type.members.join(" | ");
    case "ref":
      return `ref(${type.target})`;
    case "field":
      return 'field("name")';
    case "template":
      return 'template (string or file("path"))';
    case "secret":
      return 'env("NAME")';
    case "data":
      return "DATA (dataset, dataset stage or render(...))";
    case "model":
      return "MODEL (model or stage.model)";
    case "list":
      return `list of ${typeText(type.item)}${type.nonEmpty ? " (non-empty)" : ""}`;
    case "block":
      return `block { ${Object.keys(type.fields).join(", ")} }`;
    case "map":
      return `block of name = ${typeText(type.value)}`;
    case "options":
      return "block (free-form)";
    case "variants":
      return type.variants.map((v) => (Object.keys(v.fields).length === 0 ? v.name : `${v.name}(...)`)).join(" | ");
  }
}

function bounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return "";
}

/** "required", "null", or the default in recipe syntax (with the computed-default note). */
export function defaultText(spec: FieldSpec): string {
  if (spec.default === undefined) return "required";
  const shown = spec.defaultNote ?? valueText(spec.default, spec.type);
  return spec.nullable && spec.defaultNote === undefined ? "null" : shown;
}

export function valueText(value: PlanValue, type: FieldType): string {
  if (value === null) return "null";
  switch (type.kind) {
    case "duration":
      return durationText(value as number);
    case "size":
      return sizeText(value as number);
    case "string":
      return JSON.stringify(value);
    case "field":
      return `field(${JSON.stringify((value as { field: string }).field)})`;
    case "list":
      return `[${(value as PlanValue[]).map((v) => valueText(v, type.item)).join(", ")}]`;
    case "variants": {
      const v = value as Record<string, PlanValue>;
      return String(v[type.discriminator]);
    }
    case "template":
      return JSON.stringify((value as { text: string }).text);
    case "map":
    case "options":
    case "block":
      return Object.keys(value as object).length === 0 ? "{}" : JSON.stringify(value);
    default:
      return String(value);
  }
}

export function durationText(seconds: number): string {
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
  for (const [size, unit] of units) if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${Math.round(seconds * 1000)}ms`;
}

export function sizeText(bytes: number): string {
  const units: [number, string][] = [[1024 ** 4, "TiB"], [1024 ** 3, "GiB"], [1024 ** 2, "MiB"], [1024, "KiB"]];
  for (const [size, unit] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}B`;
}

/** `align schema`'s lines for a field map: `name  type  [default]`, then the doc (hover shows the same). */
export function fieldLines(fields: FieldMap): string[] {
  const entries = Object.entries(fields);
  if (entries.length === 0) return ["  (no fields)"];
  const width = Math.max(...entries.map(([n]) => n.length));
  return entries.flatMap(([name, spec]) => [
    `  ${name.padEnd(width)}  ${typeText(spec.type)}  [${defaultText(spec)}]`,
    `  ${" ".repeat(width)}  ${spec.doc}`,
  ]);
}
