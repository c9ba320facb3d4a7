import type { z } from "zod";

/**
 * The schema registry's data model. Every (kind, variant) is described once, as plain data:
 * the checker reads `FieldType` to convert AST values into plan values, the docs generator and
 * `align schema` print `doc` and `default`, and `build` derives the zod schema of the plan
 * encoding (docs/plan.md) on demand. `build` receives zod as a parameter so that merely
 * loading the registry never loads zod: `align check` does not need it.
 */

/** The declaration kinds of the language. */
export type DeclKind =
  | "recipe"
  | "model"
  | "reward"
  | "dataset"
  | "judge"
  | "task"
  | "stage"
  | "cluster"
  | "launch";

/** Kinds whose declarations carry a name and may be referenced. */
export type NamedKind = "model" | "reward" | "dataset" | "judge" | "task" | "stage";

/** What a value written in a recipe must be (the recipe-level type, not the plan encoding). */
export type FieldType =
  | { readonly kind: "int"; readonly min?: number; readonly max?: number }
  | { readonly kind: "number"; readonly min?: number; readonly max?: number }
  /** `path`: a file path relative to the declaring file, re-based onto the root recipe's directory. */
  | { readonly kind: "string"; readonly path?: boolean }
  | { readonly kind: "bool" }
  | { readonly kind: "duration" }
  | { readonly kind: "size" }
  | { readonly kind: "enum"; readonly members: readonly string[] }
  /** A reference to a declaration of `target`; plan `{"<target>": "name"}` or a bare name. */
  | { readonly kind: "ref"; readonly target: NamedKind; readonly encoding: "object" | "name" }
  /** `field("col")` → `{"field": "col"}`. */
  | { readonly kind: "field" }
  /**
   * A string or `file("p")` → `{"text","file","slots"}`. `slotted: false` marks a document
   * that is not filled from data (a JSON Schema): its braces are not slots, `slots` is [].
   */
  | { readonly kind: "template"; readonly slotted?: false }
  /** `env("NAME")` → `{"env": "NAME"}`. */
  | { readonly kind: "secret" }
  /** DATA: a dataset, a dataset-producing stage, or an inline `render(...)`. */
  | { readonly kind: "data" }
  /** MODEL: a model, or `s.model` of a model-producing stage. */
  | { readonly kind: "model" }
  | { readonly kind: "list"; readonly item: FieldType; readonly nonEmpty?: boolean }
  | { readonly kind: "block"; readonly fields: FieldMap }
  /** A block of `name = value` pairs with free names: `fields { system = "sys" }`. */
  | { readonly kind: "map"; readonly value: FieldType }
  /** A free-form block passed through as JSON (custom judge options). */
  | { readonly kind: "options" }
  /** One of several call shapes: `hf(...)`, `crpg { ... }`, `none`, `satisfied(j)`. */
  | {
      readonly kind: "variants";
      readonly discriminator: string;
      readonly variants: readonly CallVariant[];
      /** Also a reward_model stage's output, written `stage.model`: `{ <discriminator>: "stage", stage, output: "model" }`. */
      readonly stageModel?: true;
    };

export type PlanValue =
  | string
  | number
  | boolean
  | null
  | readonly PlanValue[]
  | { readonly [key: string]: PlanValue };

export type Zod = typeof z;

export interface FieldSpec<S extends z.ZodType = z.ZodType> {
  readonly type: FieldType;
  /** One or two sentences for docs, hover and `align schema`. */
  readonly doc: string;
  /** The plan-encoded default; `undefined` means the field is required. */
  readonly default: PlanValue | undefined;
  /** How the default is described when it is computed rather than constant. */
  readonly defaultNote?: string;
  /** True when an absent value is `null` in the plan (optional fields). */
  readonly nullable: boolean;
  /** The zod schema of the plan encoding of this field. */
  readonly build: (zod: Zod) => S;
}

export type FieldMap = { readonly [name: string]: FieldSpec };

/** A call shape of a `variants` field, e.g. `hf(id, revision = "main")`. */
export interface CallVariant<F extends FieldMap = FieldMap> {
  readonly name: string;
  readonly doc: string;
  readonly fields: F;
  /** Field names that positional arguments fill, in order. */
  readonly positional: readonly string[];
  /** The last positional field takes all remaining positional arguments (a list). */
  readonly variadic?: boolean;
  /** Constant plan fields added after the written ones (builtin's `vocab`). */
  readonly constants?: { readonly [name: string]: PlanValue };
}

/** A variant of a declaration kind (`judge x = regex { ... }`, `stage s = sft { ... }`). */
export interface VariantSpec<F extends FieldMap = FieldMap> {
  readonly name: string;
  readonly doc: string;
  readonly fields: F;
  /** Fields that `KIND NAME = VARIANT(args)` arguments fill, in order. */
  readonly positional: readonly string[];
  /** What a stage variant produces. */
  readonly produces?: "dataset" | "model" | "report";
}

export interface KindSpec {
  readonly name: DeclKind;
  readonly doc: string;
  /** The header shape: `KIND NAME`, `KIND { }` (singleton), or `launch TARGET { }`. */
  readonly naming: "named" | "singleton" | "target";
  /** The plan key a variant name is written under (`variant` or `type`), if variants exist. */
  readonly discriminator?: string;
  /** Fields every variant has (or all fields, for kinds without variants). */
  readonly common: FieldMap;
  /** Null for kinds without variants. */
  readonly variants: readonly VariantSpec[] | null;
  /** The header syntax, for docs. */
  readonly syntax: string;
}
