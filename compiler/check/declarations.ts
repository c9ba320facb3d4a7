import type { Declaration } from "../../grammar/ast.js";
import { spanCover, type Span } from "../../grammar/span.js";
import { NameCode } from "../diagnostics/compilerCodes.js";
import { suggestionFix } from "../diagnostics/suggest.js";
import type { DeclSymbol } from "../resolve/symbols.js";
import { declarationFields, variantSpec } from "../schema/registry.js";
import type { KindSpec, VariantSpec } from "../schema/types.js";
import { blockEntries, convertFields, positionalEntries, type Entry, type Owner } from "./blocks.js";
import type { LObject } from "./located.js";
import { report, type CheckScope } from "./scope.js";

/** A declaration whose every field is well-typed, as located plan values. */
export interface CheckedDeclaration {
  readonly symbol: DeclSymbol;
  readonly variant: VariantSpec | undefined;
  readonly fields: LObject;
  readonly headerSpan: Span;
}

/** `KIND NAME = VARIANT`: the span defaulted values point at. */
export function headerSpan(decl: Declaration): Span {
  const last = decl.variant ?? decl.name ?? decl.declKind;
  return spanCover(decl.declKind.span, last.span);
}

export function declarationLabel(kind: KindSpec, decl: Declaration, variant: VariantSpec | undefined): string {
  if (kind.naming === "singleton") return `\`${kind.name}\``;
  if (kind.naming === "target") return `launch target \`${decl.name?.name ?? ""}\``;
  const name = decl.name?.name ?? kind.name;
  return variant ? `${kind.name} \`${name}\` (${variant.name})` : `${kind.name} \`${name}\``;
}

/** Checks one declaration; undefined when any part of it is ill-typed (it is left out of the plan). */
export function checkDeclaration(symbol: DeclSymbol, scope: CheckScope): CheckedDeclaration | undefined {
  const decl = symbol.declaration;
  const kind = symbol.kind;
  const variant = chooseVariant(kind, decl, scope);
  if (variant === null) return undefined;
  const header = headerSpan(decl);
  const owner = new DeclarationOwner(kind, decl, variant, header);
  const entries = declarationEntries(decl, variant, scope, owner);
  if (!entries) return undefined;
  const fields = convertFields(entries, declarationFields(kind, variant), scope, owner);
  if (!fields) return undefined;
  return { symbol, variant, fields, headerSpan: header };
}

/** The variant spec, undefined for kinds without variants, or null after reporting a problem. */
function chooseVariant(kind: KindSpec, decl: Declaration, scope: CheckScope): VariantSpec | undefined | null {
  if (kind.naming === "target") {
    const id = decl.name!;
    const found = variantSpec(kind, id.name);
    if (decl.variant) report(scope, NameCode.UnexpectedVariant.code, decl.variant.span, `a launch target takes no variant: write \`launch ${id.name} { ... }\``);
    if (found && !decl.variant) return found;
    if (!found) {
      report(scope, NameCode.UnknownLaunchTarget.code, id.span, `unknown launch target \`${id.name}\``, {
        ...suggestionFix(id, kind.variants!.map((v) => v.name)),
      });
    }
    return null;
  }
  if (!kind.variants) {
    if (!decl.variant) return undefined;
    report(scope, NameCode.UnexpectedVariant.code, decl.variant.span, `a ${kind.name} declaration takes no variant: write \`${kind.syntax}\``);
    return null;
  }
  if (!decl.variant) {
    const names = kind.variants.map((v) => v.name).join(", ");
    report(scope, NameCode.MissingVariant.code, decl.name?.span ?? decl.declKind.span, `${kind.name} \`${decl.name?.name ?? ""}\` needs a variant: \`${kind.syntax}\``, {
      notes: [`the ${kind.name} variants are ${names}`],
    });
    return null;
  }
  const found = variantSpec(kind, decl.variant.name);
  if (found) return found;
  report(scope, NameCode.UnknownVariant.code, decl.variant.span, `unknown ${kind.name} variant \`${decl.variant.name}\``, {
    ...suggestionFix(decl.variant, kind.variants.map((v) => v.name)),
    notes: [`the ${kind.name} variants are ${kind.variants.map((v) => v.name).join(", ")}`],
  });
  return null;
}

/** What a declaration's fields are reported against; the label is built only when a message needs it. */
class DeclarationOwner implements Owner {
  /**
   * An owner that is never used, kept as long as the class is. V8's optimized code for the
   * check (checkDeclaration, convertFields) is specialised to the shape the constructor's fields
   * give an instance; a shape no live object has is dropped at the next full garbage collection
   * with all the code that depends on it, and owners live only while their declaration is being
   * checked. Without it, every check after a full collection (an editor's re-check after a
   * pause) started unoptimized.
   */
  private static readonly keepsTheShape = new DeclarationOwner(undefined!, undefined!, undefined, undefined!);

  constructor(
    private readonly kind: KindSpec,
    private readonly decl: Declaration,
    private readonly variant: VariantSpec | undefined,
    readonly span: Span,
  ) {}

  get label(): string {
    return declarationLabel(this.kind, this.decl, this.variant);
  }

  get recovered(): boolean | undefined {
    return this.decl.recovered;
  }
}

function declarationEntries(decl: Declaration, variant: VariantSpec | undefined, scope: CheckScope, owner: Owner): readonly Entry[] | undefined {
  // Most declarations have a block and no arguments: its fields are the entries.
  if (decl.args.length === 0) return blockEntries(decl.body);
  const entries = positionalEntries(decl.args, { positional: variant?.positional ?? [] }, scope, owner);
  if (!entries) return undefined;
  for (const arg of decl.args) if (arg.name) entries.push({ name: arg.name, value: arg.value });
  for (const field of blockEntries(decl.body)) entries.push(field);
  return entries;
}
