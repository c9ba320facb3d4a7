import type { Argument, Block, Call, Declaration, Document, Field, Identifier, Import, Value } from "../grammar/ast.js";
import { declarationFields, kindSpec, variantSpec } from "../compiler/schema/registry.js";
import { stageKind } from "../compiler/schema/kinds/stages.js";
import type { CallVariant, FieldMap, FieldSpec, FieldType, KindSpec, VariantSpec } from "../compiler/schema/types.js";
import { touches } from "./ranges.js";

/**
 * What the cursor is on, with the schema around it: the declaration, the chain of field maps
 * from the declaration down to the innermost block or call that contains the cursor, and the
 * field (and its spec) whose name or value the cursor is in. Works on recovered trees: every
 * step only needs spans, so a file that does not parse still gets an answer for the parts that
 * were recovered.
 */

export interface DeclarationContext {
  readonly declaration: Declaration;
  readonly kind: KindSpec | undefined;
  readonly variant: VariantSpec | undefined;
}

/** A block or call whose fields are known: where field names can be written. */
export interface Scope {
  readonly fields: FieldMap;
  /** Field names written in it so far. */
  readonly written: readonly Identifier[];
  /** The node whose span delimits it (a Block, a Call, or the declaration). */
  readonly span: { readonly offset: number; readonly length: number };
  /** Free-form keys (a `map` block such as `fields { system = "..." }`): any name, this value type. */
  readonly mapValue?: FieldType;
}

export interface Located {
  readonly declaration: DeclarationContext | undefined;
  readonly import: Import | undefined;
  /** Innermost scope containing the cursor. */
  readonly scope: Scope | undefined;
  /** The field whose name or value contains the cursor. */
  readonly field: { readonly name: Identifier; readonly spec: FieldSpec | undefined; readonly value: Value | undefined } | undefined;
  /** The innermost value containing the cursor and the type it must have. */
  readonly value: { readonly node: Value; readonly type: FieldType | undefined } | undefined;
  /** The innermost identifier under the cursor (kind, name, variant, field name, path segment, argument name). */
  readonly identifier: Identifier | undefined;
  /** The enclosing call of a string argument (`file("...")`, `jsonl("...")`, `hf("...")`). */
  readonly call: Call | undefined;
}

export function declarationContext(declaration: Declaration): DeclarationContext {
  const kind = kindSpec(declaration.declKind.name);
  const variantName = kind?.naming === "target" ? declaration.name?.name : declaration.variant?.name;
  const variant = kind && variantName ? variantSpec(kind, variantName) : undefined;
  return { declaration, kind, variant };
}

export function locate(document: Document, offset: number): Located {
  const state: Mutable<Located> = { declaration: undefined, import: undefined, scope: undefined, field: undefined, value: undefined, identifier: undefined, call: undefined };
  const item = document.items.find((i) => touches(i.span, offset)) ?? unclosedBefore(document, offset);
  if (!item) return state;
  if (item.kind === "Import") {
    state.import = item;
    if (item.alias && touches(item.alias.span, offset)) state.identifier = item.alias;
    return state;
  }
  const context = declarationContext(item);
  state.declaration = context;
  for (const id of [item.declKind, item.name, item.variant]) if (id && touches(id.span, offset)) state.identifier = id;
  if (!context.kind) return state;
  const fields = declarationFields(context.kind, context.variant);
  const written = [...argumentNames(item.args, context.variant?.positional ?? []), ...(item.body?.fields ?? []).map((f) => f.name)];
  const bodySpan = item.body?.span;
  if (bodySpan && touches(bodySpan, offset)) state.scope = { fields, written, span: bodySpan };
  // The parser stopped short of the cursor (`lr = ` before `}`): the cursor is still in the body.
  if (item.body && !touches(item.span, offset)) state.scope = { fields, written, span: { offset: item.span.offset, length: offset - item.span.offset } };
  walkArguments(item.args, context.variant ?? { positional: [] }, fields, offset, state);
  if (item.body) walkBlock(item.body, fields, offset, state, written);
  return state;
}

/**
 * A declaration the parser recovered inside and ended before the cursor (a field with its
 * value missing before the closing brace): the cursor is still inside it.
 */
function unclosedBefore(document: Document, offset: number): Declaration | undefined {
  const before = document.items.filter((i) => i.span.offset <= offset);
  const last = before[before.length - 1];
  return last?.kind === "Declaration" && last.recovered && last.body ? last : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function argumentNames(args: readonly Argument[], positional: readonly string[]): Identifier[] {
  let i = 0;
  return args.map((a) => a.name ?? { kind: "Identifier", name: positional[i++] ?? "", span: a.span });
}

function walkBlock(block: Block, fields: FieldMap, offset: number, state: Mutable<Located>, written?: readonly Identifier[], mapValue?: FieldType): void {
  if (!touches(block.span, offset)) return;
  state.scope = { fields, written: written ?? block.fields.map((f) => f.name), span: block.span, ...(mapValue ? { mapValue } : {}) };
  const field = block.fields.find((f) => touches(f.span, offset));
  if (field) walkField(field, mapValue ? mapSpec(mapValue) : fields[field.name.name], offset, state);
}

function mapSpec(type: FieldType): FieldSpec {
  return { type, doc: "", default: undefined, nullable: false, build: () => undefined as never };
}

function walkField(field: Field, spec: FieldSpec | undefined, offset: number, state: Mutable<Located>): void {
  state.field = { name: field.name, spec, value: field.value };
  if (touches(field.name.span, offset)) state.identifier = field.name;
  walkValue(field.value, spec?.type, offset, state);
}

function walkValue(value: Value, type: FieldType | undefined, offset: number, state: Mutable<Located>): void {
  if (!touches(value.span, offset)) return;
  state.value = { node: value, type };
  switch (value.kind) {
    case "List":
      for (const item of value.items) walkValue(item, type?.kind === "list" ? type.item : undefined, offset, state);
      return;
    case "Block":
      if (type?.kind === "block") walkBlock(value, type.fields, offset, state);
      else if (type?.kind === "map") walkBlock(value, {}, offset, state, undefined, type.value);
      else if (type?.kind === "list" && type.item.kind === "block") walkBlock(value, type.item.fields, offset, state);
      return;
    case "Reference":
      state.identifier = value.path.find((id) => touches(id.span, offset)) ?? state.identifier;
      return;
    case "Call":
      walkCall(value, type, offset, state);
      return;
    default:
      return;
  }
}

function walkCall(call: Call, type: FieldType | undefined, offset: number, state: Mutable<Located>): void {
  const id = call.callee.path.find((p) => touches(p.span, offset));
  if (id) state.identifier = id;
  if (call.args.some((a) => a.value.kind === "String" && touches(a.value.span, offset))) state.call = call;
  const variant = callVariant(call, type);
  if (!variant) {
    for (const a of call.args) walkValue(a.value, undefined, offset, state);
    return;
  }
  const written = [...argumentNames(call.args, variant.positional), ...(call.block?.fields ?? []).map((f) => f.name)];
  const inArgs = call.hasParens && touches(call.span, offset) && !(call.block && touches(call.block.span, offset));
  if (inArgs) state.scope = { fields: variant.fields, written, span: call.span };
  walkArguments(call.args, variant, variant.fields, offset, state);
  if (call.block) walkBlock(call.block, variant.fields, offset, state, written);
}

/** The call shape a call is written in: a variant of the field's `variants` type, or inline `render(...)`. */
export function callVariant(call: Call, type: FieldType | undefined): Pick<CallVariant, "fields" | "positional" | "name" | "doc"> | undefined {
  const name = call.callee.path.map((p) => p.name).join(".");
  const shape = type?.kind === "list" ? type.item : type;
  if (shape?.kind === "variants") return shape.variants.find((v) => v.name === name);
  if (shape?.kind === "data" && name === "render") return stageKind.variants?.find((v) => v.name === "render");
  return undefined;
}

function walkArguments(args: readonly Argument[], variant: Pick<CallVariant, "positional">, fields: FieldMap, offset: number, state: Mutable<Located>): void {
  let position = 0;
  for (const arg of args) {
    const name = arg.name?.name ?? variant.positional[Math.min(position, variant.positional.length - 1)];
    if (!arg.name) position++;
    if (!touches(arg.span, offset)) continue;
    const spec = name === undefined ? undefined : fields[name];
    if (arg.name) {
      state.field = { name: arg.name, spec, value: arg.value };
      if (touches(arg.name.span, offset)) state.identifier = arg.name;
    } else if (name !== undefined) {
      state.field = { name: { kind: "Identifier", name, span: arg.span }, spec, value: arg.value };
    }
    walkValue(arg.value, spec?.type, offset, state);
  }
}

/** Every block-like scope of a declaration, with its fields (for inlay hints and code actions). */
export interface Owner {
  readonly fields: FieldMap;
  readonly written: readonly Identifier[];
  /** Where the owner is written: its header for a declaration, the call or block for a nested one. */
  readonly span: { readonly offset: number; readonly length: number };
  /** The block new fields go into, when there is one. */
  readonly block: Block | undefined;
}

export function owners(declaration: Declaration): Owner[] {
  const context = declarationContext(declaration);
  if (!context.kind) return [];
  const fields = declarationFields(context.kind, context.variant);
  const out: Owner[] = [];
  const written = [...argumentNames(declaration.args, context.variant?.positional ?? []), ...(declaration.body?.fields ?? []).map((f) => f.name)];
  out.push({ fields, written, span: declaration.span, block: declaration.body });
  const visit = (value: Value, type: FieldType | undefined): void => {
    if (value.kind === "List") for (const item of value.items) visit(item, type?.kind === "list" ? type.item : undefined);
    if (value.kind === "Block" && type?.kind === "block") {
      out.push({ fields: type.fields, written: value.fields.map((f) => f.name), span: value.span, block: value });
      for (const f of value.fields) visit(f.value, type.fields[f.name.name]?.type);
    }
    if (value.kind === "Call" || value.kind === "Reference") {
      const call: Call = value.kind === "Call" ? value : { kind: "Call", callee: value, args: [], hasParens: false, span: value.span };
      const variant = callVariant(call, type);
      if (!variant) return;
      const w = [...argumentNames(call.args, variant.positional), ...(call.block?.fields ?? []).map((f) => f.name)];
      out.push({ fields: variant.fields, written: w, span: call.span, block: call.block });
      for (const a of call.args) visit(a.value, variant.fields[a.name?.name ?? ""]?.type);
      for (const f of call.block?.fields ?? []) visit(f.value, variant.fields[f.name.name]?.type);
    }
  };
  for (const f of declaration.body?.fields ?? []) visit(f.value, fields[f.name.name]?.type);
  return out;
}
