import type { Argument, Block, Call, Identifier, ListLiteral, Reference, Value } from "../../grammar/ast.js";
import type { Span } from "../../grammar/span.js";
import { spanCover } from "../../grammar/span.js";
import { NameCode, TypeCode } from "../diagnostics/compilerCodes.js";
import { suggestionFix } from "../diagnostics/suggest.js";
import type { CallVariant, FieldMap, FieldSpec, FieldType } from "../schema/types.js";
import { convert, listed, wrongType } from "./convert.js";
import { defaultOf, fromPlan, has, leaf, list, objectOf, sortedObject, type Entries, type LObject, type LValue } from "./located.js";
import { convertModel } from "./refs.js";
import { containsError, pathText, report, type CheckScope } from "./scope.js";

/**
 * Blocks and call shapes: the fields of a declaration, a nested block, a `variants` call such
 * as `crpg { generations = 8 }` or `hf("id", revision = "main")`. Every written field is
 * checked against the field map (unknown, duplicate, wrong type); absent fields take their
 * defaults; missing required fields are reported at the owner.
 */

export interface Entry {
  readonly name: Identifier;
  readonly value: Value;
}

export interface Owner {
  /** For messages: "optimizer `crpg`", "stage `s` (sft)". */
  readonly label: string;
  /** Where a missing field is reported. */
  readonly span: Span;
  /** Suppresses "missing field" after the parser recovered inside the owner (a likely cascade). */
  readonly recovered?: boolean;
}

/**
 * The written fields checked against `fields`, in schema order, defaults filled in. `out` may
 * already hold entries that go first (a call shape's discriminator).
 */
export function convertFields(entries: readonly Entry[], fields: FieldMap, scope: CheckScope, owner: Owner, out: Entries = {}): LObject | undefined {
  const written = writtenAt[depth] ?? (writtenAt[depth] = []);
  depth++;
  try {
    return convertWritten(entries, fields, scope, owner, out, written);
  } finally {
    depth--;
    // Emptied after use, so that it holds no part of a document between checks.
    written.fill(undefined);
  }
}

/**
 * The scratch array of convertFields at each nesting depth (a block inside a block converts
 * while its owner's array is still in use), empty between uses: a fresh array per block was
 * most of the garbage the type check made on a large recipe.
 */
const writtenAt: (Entry | undefined)[][] = [];
let depth = 0;

function convertWritten(entries: readonly Entry[], fields: FieldMap, scope: CheckScope, owner: Owner, out: Entries, written: (Entry | undefined)[]): LObject | undefined {
  const schema = schemaOf(fields);
  // `written`: the written entry of each schema field, by its index in schema order.
  // Fields an unknown field's did-you-mean points to: reporting them missing too would say the
  // same slip twice (`stepz = 50` is the missing `steps`).
  let meant: Set<string> | undefined;
  // Unknown fields with nothing close by spelling, reported once the missing ones are known.
  let unmatched: Entry[] | undefined;
  let ok = true;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const name = entry.name.name;
    const index = schema.index.get(name);
    const previous = index === undefined ? undefined : written[index];
    if (previous) {
      ok = false;
      report(scope, TypeCode.DuplicateField.code, entry.name.span, `\`${name}\` is written more than once in ${owner.label}`, {
        related: [{ span: previous.name.span, message: "first written here" }],
      });
    } else if (!(name in fields)) {
      ok = false;
      const { meant: named, ...suggestion } = suggestionFix(entry.name, Object.keys(fields));
      const target = named ?? suggestion.fix?.edits[0]?.newText;
      if (target !== undefined) (meant ??= new Set()).add(target);
      if (suggestion.help === undefined) (unmatched ??= []).push(entry);
      else report(scope, TypeCode.UnknownField.code, entry.name.span, `unknown field \`${name}\` in ${owner.label}`, suggestion);
    } else if (index !== undefined) {
      written[index] = entry;
    }
  }
  if (unmatched) reportUnmatched(unmatched, schema, written, (meant ??= new Set()), scope, owner);
  for (let i = 0; i < schema.entries.length; i++) {
    const [name, spec] = schema.entries[i]!;
    const entry = written[i];
    if (entry) {
      const value = containsError(entry.value) ? undefined : convert(entry.value, spec.type, scope, name);
      if (value) out[name] = value;
      else ok = false;
    } else if (spec.default !== undefined) {
      out[name] = defaultOf(spec);
    } else {
      ok = false;
      if (!owner.recovered && !meant?.has(name)) {
        report(scope, TypeCode.MissingField.code, owner.span, `missing required field \`${name}\` in ${owner.label}`, {
          notes: [`${name}: ${spec.doc}`],
        });
      }
    }
  }
  return ok ? objectOf(out, owner.span) : undefined;
}

/**
 * Unknown fields nothing is close to. One of them beside one missing required field is that
 * field under another tool's name (`reward_model` for `reward`): one diagnostic, pointing there.
 * Otherwise the fields there are, so the right one can be picked by meaning.
 */
function reportUnmatched(unmatched: readonly Entry[], schema: Schema, written: readonly (Entry | undefined)[], meant: Set<string>, scope: CheckScope, owner: Owner): void {
  const missing = schema.entries.filter(([name, spec], i) => spec.default === undefined && !written[i] && !meant.has(name)).map(([name]) => name);
  for (const entry of unmatched) {
    const message = `unknown field \`${entry.name.name}\` in ${owner.label}`;
    if (unmatched.length === 1 && missing.length === 1 && !owner.recovered) {
      const required = missing[0]!;
      meant.add(required);
      report(scope, TypeCode.UnknownField.code, entry.name.span, message, {
        help: `did you mean \`${required}\`? it is required, and not written`,
        fix: { title: `write \`${required}\``, edits: [{ span: entry.name.span, newText: required }] },
      });
    } else {
      report(scope, TypeCode.UnknownField.code, entry.name.span, message, { notes: [`the fields are ${schema.entries.map(([f]) => `\`${f}\``).join(", ")}`] });
    }
  }
}

/** A field map's entries in schema order, and each name's index among them. */
interface Schema {
  readonly entries: ReadonlyArray<readonly [string, FieldSpec]>;
  readonly index: ReadonlyMap<string, number>;
}

const schemas = new WeakMap<FieldMap, Schema>();

/** Listed once per field map (every declaration of a kind reads it). */
function schemaOf(fields: FieldMap): Schema {
  let schema = schemas.get(fields);
  if (schema === undefined) {
    const entries = Object.entries(fields);
    schema = { entries, index: new Map(entries.map(([name], i) => [name, i])) };
    schemas.set(fields, schema);
  }
  return schema;
}

/** A block's fields are its entries as they are (a field has the name and the value). */
export function blockEntries(block: Block | undefined): readonly Entry[] {
  return block?.fields ?? [];
}

export function convertBlockType(value: Value, fields: FieldMap, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "Block") return wrongType(scope, value, label, "a block `{ ... }`");
  return convertFields(blockEntries(value), fields, scope, { label: `\`${label}\``, span: value.span });
}

export function convertMap(value: Value, type: FieldType, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "Block") return wrongType(scope, value, label, "a block of `name = value` pairs");
  const out = new Map<string, LValue>();
  let ok = true;
  for (const f of value.fields) {
    if (out.has(f.name.name)) {
      report(scope, TypeCode.DuplicateField.code, f.name.span, `\`${f.name.name}\` is written more than once in \`${label}\``);
      ok = false;
      continue;
    }
    const converted = containsError(f.value) ? undefined : convert(f.value, type, scope, `${label}.${f.name.name}`);
    if (converted) out.set(f.name.name, converted);
    else ok = false;
  }
  return ok ? sortedObject(out, value.span) : undefined;
}

/** Free-form options: literals as JSON (durations in seconds, sizes in bytes, names as strings). */
export function convertOptions(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "Block") return wrongType(scope, value, label, "a block `{ ... }`");
  return anyValue(value, scope, label);
}

function anyValue(value: Value, scope: CheckScope, label: string): LValue | undefined {
  switch (value.kind) {
    case "String":
    case "Number":
    case "Boolean":
      return leaf(value.value, value.span);
    case "Duration":
      return leaf(value.seconds, value.span);
    case "Size":
      return leaf(value.bytes, value.span);
    case "Reference":
      return leaf(pathText(value.path), value.span);
    case "List": {
      const items = value.items.map((i) => anyValue(i, scope, label));
      return items.every((i) => i) ? list(items as LValue[], value.span) : undefined;
    }
    case "Block": {
      const entries = value.fields.map((f) => [f.name.name, anyValue(f.value, scope, label)] as const);
      if (entries.some(([, v]) => !v)) return undefined;
      return sortedObject(entries as [string, LValue][], value.span);
    }
    case "Call":
      return wrongType(scope, value, label, "plain values (strings, numbers, lists, blocks)");
    case "ErrorValue":
      return undefined;
  }
}

/** A call shape chosen by name: `crpg`, `crpg { ... }`, `hf("id")`, `none`, `satisfied(j)`. */
export function convertVariants(value: Value, type: FieldType & { kind: "variants" }, scope: CheckScope, label: string): LValue | undefined {
  if (type.stageModel && value.kind === "Reference" && !(value.path.length === 1 && type.variants.some((v) => v.name === value.path[0]!.name))) {
    return convertStageModel(value, type.discriminator, scope, label);
  }
  const callee = value.kind === "Call" ? value.callee : value.kind === "Reference" ? value : undefined;
  // Built only when something is reported (this runs for every call shape).
  const names = () => type.variants.map((v) => v.name);
  const expected = () => `one of ${listed(names())}`;
  if (value.kind === "String" && names().includes("hf") && names().includes("local")) {
    // `from = "meta-llama/Meta-Llama-3-8B"`, as TRL's model_name_or_path takes it: the call meant.
    const call = /^(\.{0,2}\/|~)/.test(value.value) ? "local" : "hf";
    const fixText = `${call}(${JSON.stringify(value.value)})`;
    return wrongType(scope, value, label, expected(), { help: `write \`${fixText}\`: a ${call === "hf" ? "hub id" : "directory"} is given to \`${call}(...)\``, fixText });
  }
  if (!callee || callee.path.length !== 1) return wrongType(scope, value, label, expected());
  const id = callee.path[0]!;
  const variant = type.variants.find((v) => v.name === id.name);
  if (!variant) {
    return report(scope, NameCode.UnknownVariant.code, id.span, `unknown \`${label}\` variant \`${id.name}\``, {
      ...suggestionFix(id, names()),
      notes: [`expected ${expected()}`],
    });
  }
  // The discriminator first, then the fields, then the variant's constants (one map, no copies).
  const out: Entries = { [type.discriminator]: leaf(variant.name, callee.span) };
  const fields = convertCallFields(value as Call | Reference, variant, scope, `${label} \`${variant.name}\``, out);
  if (!fields) return undefined;
  for (const k in variant.constants) out[k] = fromPlan(variant.constants[k]!, value.span, false);
  return fields;
}

/** `rm.model` where a stage's model is accepted beside the call shapes (a reward's `from`). */
function convertStageModel(value: Reference, discriminator: string, scope: CheckScope, label: string): LValue | undefined {
  const model = convertModel(value, scope, label);
  if (!model || model.t !== "object") return undefined;
  if (has(model.entries, "model")) {
    return wrongType(scope, value, label, "a reward_model stage's `.model`, or a call such as `hf(...)` or `judge(...)`", {
      help: `a model declaration is a language model; to score with it, declare it here: \`from = hf(...)\``,
    });
  }
  return objectOf({ [discriminator]: leaf("stage", value.span), ...model.entries }, value.span);
}

/** The fields of a call: positional arguments fill `positional` in order, then named ones and the block. */
export function convertCallFields(value: Call | Reference, variant: Pick<CallVariant, "fields" | "positional" | "variadic">, scope: CheckScope, ownerLabel: string, out?: Entries): LObject | undefined {
  const owner = { label: ownerLabel, span: value.span };
  if (value.kind === "Reference") return convertFields([], variant.fields, scope, owner, out);
  const entries = positionalEntries(value.args, variant, scope, owner);
  if (!entries) return undefined;
  for (let i = 0; i < value.args.length; i++) {
    const arg = value.args[i]!;
    if (arg.name) entries.push({ name: arg.name, value: arg.value });
  }
  const fields = blockEntries(value.block);
  for (let i = 0; i < fields.length; i++) entries.push(fields[i]!);
  return convertFields(entries, variant.fields, scope, owner, out);
}

export function positionalEntries(args: readonly Argument[], variant: Pick<CallVariant, "positional" | "variadic">, scope: CheckScope, owner: Pick<Owner, "label">): Entry[] | undefined {
  const slots = variant.positional;
  const entries: Entry[] = [];
  // Positional arguments are the unnamed ones, counted by `i` (called for every call shape: no
  // list of them is made unless a variadic slot takes the rest).
  for (let at = 0, i = 0; at < args.length; at++) {
    const arg = args[at]!;
    if (arg.name) continue;
    const last = i >= slots.length - 1;
    if (variant.variadic && last && slots.length > 0) {
      entries.push({ name: syntheticName(slots[slots.length - 1]!, arg.span), value: listOf(args.slice(at).filter((a) => !a.name)) });
      break;
    }
    const slot = slots[i];
    if (slot === undefined) {
      const takes = slots.length === 0 ? "takes no positional arguments" : `takes ${slots.length} positional argument${slots.length === 1 ? "" : "s"} (${slots.join(", ")})`;
      return report(scope, TypeCode.TooManyArguments.code, arg.span, `too many arguments: ${owner.label} ${takes}`, {
        help: "name the argument: `field = value`",
      });
    }
    entries.push({ name: syntheticName(slot, arg.span), value: arg.value });
    i++;
  }
  return entries;
}

function syntheticName(name: string, span: Span): Identifier {
  return { kind: "Identifier", name, span };
}

function listOf(args: readonly Argument[]): ListLiteral {
  const span = args.map((a) => a.span).reduce((a, b) => spanCover(a, b));
  return { kind: "List", items: args.map((a) => a.value), span };
}
