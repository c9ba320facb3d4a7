import type { Span } from "./span.js";

/**
 * The abstract syntax tree of one `.align` file. Plain data, every node with a span.
 * The grammar knows nothing of CGPO: kinds, variants and fields are identifiers whose
 * meaning comes from compiler/schema. The surface syntax is documented in docs/syntax.md.
 *
 *   Document    := (Import | Declaration)*
 *   Import      := "import" String ("as" Ident)?
 *   Declaration := Ident(kind) Ident(name)? ("=" Ident(variant) ("(" Args ")")?)? Block?
 *   Block       := "{" (Field ","?)* "}"
 *   Field       := Ident "=" Value | Ident Block                     (block form: `lora { rank = 16 }`)
 *   Value       := String | Number | Duration | Size | Bool | List | Block
 *                | Path ("(" Args ")")? Block?                        (reference, call, constructor)
 *   Path        := Ident ("." Ident)*
 *   Args        := (Arg ("," Arg)* ","?)?        Arg := (Ident "=")? Value
 *   List        := "[" (Value ("," Value)* ","?)? "]"
 */

export interface Identifier {
  readonly kind: "Identifier";
  readonly name: string;
  readonly span: Span;
}

export interface StringLiteral {
  readonly kind: "String";
  /** The decoded value (escapes processed; `"""` strings dedented). */
  readonly value: string;
  /** Exactly as written, quotes included; the formatter prints this. */
  readonly raw: string;
  readonly multiline: boolean;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: "Number";
  readonly value: number;
  readonly raw: string;
  readonly span: Span;
}

/** `10s`, `500ms`, `2h`, `1d`; units ms, s, m, h, d. */
export interface DurationLiteral {
  readonly kind: "Duration";
  readonly seconds: number;
  readonly raw: string;
  readonly span: Span;
}

/** `80GiB`, `512MiB`, `1GB`; units B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB. */
export interface SizeLiteral {
  readonly kind: "Size";
  readonly bytes: number;
  readonly raw: string;
  readonly span: Span;
}

export interface BooleanLiteral {
  readonly kind: "Boolean";
  readonly value: boolean;
  readonly span: Span;
}

/**
 * A bare path: `policy`, `bf16`, `finetune.model`, `common.policy`. Whether it names a
 * declaration, an imported one, a declaration's output, or an enum member is decided by the
 * compiler from the field's schema.
 */
export interface Reference {
  readonly kind: "Reference";
  readonly path: readonly Identifier[];
  readonly span: Span;
}

export interface Argument {
  readonly kind: "Argument";
  /** Present for named arguments: `revision = "main"`. */
  readonly name?: Identifier;
  readonly value: Value;
  readonly span: Span;
}

/**
 * `hf("id", revision = "main")`, `field("answer")`, `env("KEY")`, and the constructor form
 * `crpg { generations = 8 }` / `jsonl("x") { prompt = "q" }` (then `hasParens` may be false
 * and `block` is set).
 */
export interface Call {
  readonly kind: "Call";
  readonly callee: Reference;
  readonly args: readonly Argument[];
  readonly hasParens: boolean;
  readonly block?: Block;
  readonly span: Span;
}

export interface ListLiteral {
  readonly kind: "List";
  readonly items: readonly Value[];
  readonly span: Span;
}

export interface Block {
  readonly kind: "Block";
  readonly fields: readonly Field[];
  readonly span: Span;
}

/** Stands where the parser recovered from a syntax error; checks skip it silently. */
export interface ErrorValue {
  readonly kind: "ErrorValue";
  readonly span: Span;
}

export type Value =
  | StringLiteral
  | NumberLiteral
  | DurationLiteral
  | SizeLiteral
  | BooleanLiteral
  | Reference
  | Call
  | ListLiteral
  | Block
  | ErrorValue;

export interface Field {
  readonly kind: "Field";
  readonly name: Identifier;
  readonly value: Value;
  /** `assign`: `name = value`; `block`: `name { ... }` (value is then a Block). */
  readonly form: "assign" | "block";
  readonly span: Span;
}

export interface Declaration {
  readonly kind: "Declaration";
  /** `model`, `dataset`, `judge`, ... (validated by the compiler, not the parser). */
  readonly declKind: Identifier;
  /** Absent for singletons such as `cluster { ... }`. */
  readonly name?: Identifier;
  /** After `=`: `jsonl`, `math_answer`, `generate`, ... */
  readonly variant?: Identifier;
  /** Arguments of the variant: `jsonl("data/chat.jsonl")`. */
  readonly args: readonly Argument[];
  readonly hasParens: boolean;
  readonly body?: Block;
  /** True when the parser had to recover inside this declaration. */
  readonly recovered: boolean;
  readonly span: Span;
}

export interface Import {
  readonly kind: "Import";
  readonly path: StringLiteral;
  readonly alias?: Identifier;
  readonly span: Span;
}

export interface Comment {
  readonly kind: "Comment";
  /** Text after `#`, without the line break. */
  readonly text: string;
  readonly span: Span;
}

export interface Document {
  readonly kind: "Document";
  readonly file: string;
  /** Imports and declarations in source order. */
  readonly items: readonly (Import | Declaration)[];
  /** Every comment, in source order; the formatter re-attaches them by offset. */
  readonly comments: readonly Comment[];
  readonly span: Span;
}

export type Node =
  | Document
  | Import
  | Declaration
  | Field
  | Argument
  | Identifier
  | Comment
  | Value;
