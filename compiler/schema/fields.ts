import type { z } from "zod";
import type { CallVariant, FieldMap, FieldSpec, FieldType, NamedKind, PlanValue, Zod } from "./types.js";

/**
 * Field constructors. Each returns a `FieldSpec` whose static type carries the zod type of its
 * plan encoding, so that `Plan` (compiler/plan/types.ts) is inferred from the same table the
 * checker and the docs read. Zod itself is only touched inside `build`.
 */

interface Common<T> {
  readonly default?: T;
  readonly defaultNote?: string;
}

function spec<S extends z.ZodType>(
  type: FieldType,
  doc: string,
  dflt: PlanValue | undefined,
  make: (zod: Zod) => S,
  defaultNote?: string,
): FieldSpec<S> {
  const build = (zod: Zod): S => {
    const meta: Record<string, unknown> = { description: doc };
    if (dflt !== undefined) meta.default = dflt;
    return make(zod).meta(meta) as S;
  };
  return { type, doc, default: dflt, nullable: false, build, ...(defaultNote ? { defaultNote } : {}) };
}

export function int(doc: string, opts: Common<number> & { min?: number; max?: number } = {}) {
  const { min, max } = opts;
  return spec({ kind: "int", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }, doc, opts.default, (zod) => {
    let s = zod.number().int();
    if (min !== undefined) s = s.min(min);
    if (max !== undefined) s = s.max(max);
    return s;
  }, opts.defaultNote);
}

export function num(doc: string, opts: Common<number> & { min?: number; max?: number } = {}) {
  const { min, max } = opts;
  return spec({ kind: "number", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }, doc, opts.default, (zod) => {
    let s = zod.number();
    if (min !== undefined) s = s.min(min);
    if (max !== undefined) s = s.max(max);
    return s;
  }, opts.defaultNote);
}

export function str(doc: string, opts: Common<string> = {}) {
  return spec({ kind: "string" }, doc, opts.default, (zod) => zod.string(), opts.defaultNote);
}

/** A path relative to the declaring file; the plan holds it relative to the root recipe. */
export function pathStr(doc: string) {
  return spec({ kind: "string", path: true }, doc, undefined, (zod) => zod.string());
}

export function bool(doc: string, opts: Common<boolean> = {}) {
  return spec({ kind: "bool" }, doc, opts.default, (zod) => zod.boolean(), opts.defaultNote);
}

/** Written `10s`, `2h`; encoded as seconds. */
export function duration(doc: string, opts: Common<number> = {}) {
  return spec({ kind: "duration" }, doc, opts.default, (zod) => zod.number().min(0), opts.defaultNote);
}

/** Written `512MiB`, `80GB`; encoded as bytes. */
export function size(doc: string, opts: Common<number> = {}) {
  return spec({ kind: "size" }, doc, opts.default, (zod) => zod.number().int().min(0), opts.defaultNote);
}

export function enumOf<const M extends readonly [string, ...string[]]>(members: M, doc: string, opts: Common<M[number]> = {}) {
  return spec({ kind: "enum", members }, doc, opts.default, (zod) => zod.enum(members), opts.defaultNote);
}

/** A reference encoded as `{"<kind>": "name"}`. */
export function ref<const K extends NamedKind>(target: K, doc: string) {
  return spec({ kind: "ref", target, encoding: "object" }, doc, undefined, (zod) =>
    zod.object({ [target]: zod.string() } as { [P in K]: z.ZodString }),
  );
}

/** A reference encoded as the bare (qualified) name, where the key already names the kind. */
export function refName(target: NamedKind, doc: string) {
  return spec({ kind: "ref", target, encoding: "name" }, doc, undefined, (zod) => zod.string());
}

/** `field("col")` → `{"field": "col"}`: a logical field of the sample's data. */
export function field(doc: string, opts: { default?: string } = {}) {
  const dflt = opts.default === undefined ? undefined : { field: opts.default };
  return spec({ kind: "field" }, doc, dflt, (zod) => zod.object({ field: zod.string() }));
}

export function template(doc: string, opts: Common<TemplatePlan> = {}) {
  const dflt = opts.default === undefined ? undefined : { ...opts.default };
  return spec({ kind: "template" }, doc, dflt, (zod) => templateSchema(zod), opts.defaultNote);
}

/** A text document given inline or as `file("p")`, carried like a template but never slot-filled. */
export function documentText(doc: string) {
  return spec({ kind: "template", slotted: false }, doc, undefined, (zod) => templateSchema(zod));
}

/** `env("NAME")` → `{"env": "NAME"}`; the value never enters the plan. */
export function secret(doc: string) {
  return spec({ kind: "secret" }, doc, undefined, (zod) => zod.object({ env: zod.string() }));
}

export function list<S extends z.ZodType>(item: FieldSpec<S>, doc: string, opts: Common<PlanValue[]> & { nonEmpty?: boolean } = {}) {
  const type: FieldType = { kind: "list", item: item.type, ...(opts.nonEmpty ? { nonEmpty: true } : {}) };
  return spec(type, doc, opts.default, (zod) => {
    const s = zod.array(item.build(zod));
    return (opts.nonEmpty ? s.min(1) : s) as z.ZodArray<S>;
  }, opts.defaultNote);
}

/** The plan object type of a field map. */
export type ObjectShape<F extends FieldMap> = { -readonly [K in keyof F]: ReturnType<F[K]["build"]> };

export function objectSchema<F extends FieldMap>(zod: Zod, fields: F): z.ZodObject<ObjectShape<F>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, f] of Object.entries(fields)) shape[name] = f.build(zod);
  return zod.object(shape) as unknown as z.ZodObject<ObjectShape<F>>;
}

/** A nested block of known fields: `lora { rank = 16 }`. */
export function block<F extends FieldMap>(fields: F, doc: string, opts: Common<PlanValue> = {}) {
  return spec({ kind: "block", fields }, doc, opts.default, (zod) => objectSchema(zod, fields), opts.defaultNote);
}

/** A block with free names and values of one type: `fields { system = "sys" }`. */
export function map<S extends z.ZodType>(value: FieldSpec<S>, doc: string, opts: Common<PlanValue> = {}) {
  return spec({ kind: "map", value: value.type }, doc, opts.default, (zod) => zod.record(zod.string(), value.build(zod)), opts.defaultNote);
}

/** A free-form block passed to user code as JSON. */
export function options(doc: string, opts: Common<PlanValue> = {}) {
  return spec({ kind: "options" }, doc, opts.default, (zod) => zod.record(zod.string(), zod.unknown()), opts.defaultNote);
}

/** Optional: an absent value is `null` in the plan. */
export function nullable<S extends z.ZodType>(inner: FieldSpec<S>, defaultNote?: string): FieldSpec<z.ZodNullable<S>> {
  return {
    type: inner.type,
    doc: inner.doc,
    default: null,
    nullable: true,
    build: (zod) => zod.nullable(inner.build(zod)).meta({ description: inner.doc, default: null }),
    ...(defaultNote ? { defaultNote } : {}),
  };
}

/** A call shape for `variants`. */
export function call<const N extends string, F extends FieldMap, C extends Record<string, PlanValue> = Record<never, never>>(
  name: N,
  doc: string,
  fields: F,
  extra: { positional?: readonly (keyof F & string)[]; variadic?: boolean; constants?: C } = {},
): CallVariant<F> & { readonly name: N; readonly constantsType?: C } {
  return {
    name,
    doc,
    fields,
    positional: extra.positional ?? [],
    ...(extra.variadic ? { variadic: true } : {}),
    ...(extra.constants ? { constants: extra.constants } : {}),
  };
}

type VariantObject<D extends string, V> = V extends CallVariant<infer F> & { readonly name: infer N; readonly constantsType?: infer C }
  ? { [K in D]: N } & { -readonly [K in keyof F]: z.output<ReturnType<F[K]["build"]>> } & (unknown extends C ? unknown : C)
  : never;

export type VariantsOutput<D extends string, V extends readonly unknown[]> = { [I in keyof V]: VariantObject<D, V[I]> }[number];

/** Zod for one call shape: `{ [disc]: name, ...fields, ...constants }`. */
export function variantObjectSchema(zod: Zod, discriminator: string, v: CallVariant): z.ZodObject {
  const shape: Record<string, z.ZodType> = { [discriminator]: zod.literal(v.name) };
  for (const [name, f] of Object.entries(v.fields)) shape[name] = f.build(zod);
  for (const [name, c] of Object.entries(v.constants ?? {})) shape[name] = zod.literal(c as string | number | boolean);
  return zod.object(shape).meta({ description: v.doc });
}

/** One of several call shapes, encoded as an object discriminated by `discriminator`. */
export function variants<const D extends string, const V extends readonly CallVariant[]>(
  discriminator: D,
  shapes: V,
  doc: string,
  opts: Common<PlanValue> = {},
): FieldSpec<z.ZodType<VariantsOutput<D, V>>> {
  return spec({ kind: "variants", discriminator, variants: shapes }, doc, opts.default, (zod) => {
    const objects = shapes.map((v) => variantObjectSchema(zod, discriminator, v));
    return zod.discriminatedUnion(discriminator, objects as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<VariantsOutput<D, V>>;
  }, opts.defaultNote);
}

/** The plan encoding of a reward_model stage's output where a `variants` field accepts one. */
export type StageModelSource<D extends string> = { [K in D]: "stage" } & { stage: string; output: "model" };

/** `variants`, also accepting a reward_model stage's `.model` (a reward's `from`). */
export function variantsOrStageModel<const D extends string, const V extends readonly CallVariant[]>(
  discriminator: D,
  shapes: V,
  doc: string,
): FieldSpec<z.ZodType<VariantsOutput<D, V> | StageModelSource<D>>> {
  return spec({ kind: "variants", discriminator, variants: shapes, stageModel: true }, doc, undefined, (zod) => {
    const objects = shapes.map((v) => variantObjectSchema(zod, discriminator, v));
    const stage = zod
      .object({ [discriminator]: zod.literal("stage"), stage: zod.string(), output: zod.literal("model") })
      .meta({ description: "A reward_model stage's trained model: `rm.model`." });
    return zod.discriminatedUnion(discriminator, [...objects, stage] as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<
      VariantsOutput<D, V> | StageModelSource<D>
    >;
  });
}

/** The plan encoding of a template: its text, the file it came from, its `{slot}` names. */
export type TemplatePlan = {
  text: string;
  file: string | null;
  slots: string[];
};

/** DATA in the plan: a dataset, a dataset-producing stage, or an inline render. */
export type DataPlan =
  | { dataset: string }
  | { stage: string; output: "dataset" }
  | { render: { from: DataPlan; template: TemplatePlan; target: string } };

/** MODEL in the plan: a model declaration or a model-producing stage. */
export type ModelPlan = { model: string } | { stage: string; output: "model" };

function templateSchema(zod: Zod) {
  return zod.object({ text: zod.string(), file: zod.string().nullable(), slots: zod.array(zod.string()) });
}

function dataSchema(zod: Zod): z.ZodType<DataPlan> {
  const data: z.ZodType<DataPlan> = zod.lazy(() =>
    zod.union([
      zod.object({ dataset: zod.string() }),
      zod.object({ stage: zod.string(), output: zod.literal("dataset") }),
      zod.object({ render: zod.object({ from: data, template: templateSchema(zod), target: zod.string() }) }),
    ]),
  );
  return data;
}

/** DATA: `chat`, `induce` (a dataset-producing stage), `render(from, template = ..., target = ...)`. */
export function data(doc: string) {
  return spec({ kind: "data" }, doc, undefined, (zod) => dataSchema(zod));
}

/** MODEL: `policy` or `finetune.model`. */
export function modelInput(doc: string) {
  return spec({ kind: "model" }, doc, undefined, (zod): z.ZodType<ModelPlan> =>
    zod.union([zod.object({ model: zod.string() }), zod.object({ stage: zod.string(), output: zod.literal("model") })]),
  );
}
