import type { Reference, Value } from "../../grammar/ast.js";
import { NameCode, TypeCode } from "../diagnostics/compilerCodes.js";
import { suggestionFix } from "../diagnostics/suggest.js";
import { lookup, visibleNames, type Resolved } from "../resolve/lookup.js";
import { stageKind } from "../schema/kinds/stages.js";
import type { FieldType } from "../schema/types.js";
import { convertCallFields } from "./blocks.js";
import { wrongType } from "./convert.js";
import { leaf, objectOf, type LValue } from "./located.js";
import { pathText, report, type CheckScope } from "./scope.js";

/**
 * References: plain `ref(kind)` fields, DATA (a dataset, a dataset-producing stage, or an
 * inline `render(...)`) and MODEL (a model, or a model-producing stage's `.model`).
 */

type Output = "dataset" | "model" | "report";

/** Resolves a reference or reports AL2001 with the closest names of the expected kinds. */
function resolve(ref: Reference, scope: CheckScope, kinds: readonly string[]): Resolved | undefined {
  const found = lookup(scope.table, scope.module, ref);
  if (found) return found;
  // Declared, but under a header already reported (`datset red_team = ...`): one error is enough.
  const first = ref.path[0]?.name;
  if ([...scope.table.invalid].some((decl) => decl.name?.name === first)) return undefined;
  const name = pathText(ref.path);
  const candidates = visibleNames(scope.table, scope.module, kinds);
  return report(scope, NameCode.UnknownReference.code, ref.span, `unknown reference \`${name}\``, {
    ...suggestionFix({ name, span: ref.span }, candidates.length > 0 ? candidates : visibleNames(scope.table, scope.module)),
    notes: candidates.length === 0 ? [`no ${kinds.join(" or ")} is declared`] : undefined,
  });
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function unknownMember(scope: CheckScope, found: Resolved, allowed: readonly string[]): undefined {
  const member = found.member!;
  const name = found.symbol.qualifiedName;
  const what = found.symbol.kind.name;
  return report(scope, NameCode.UnknownMember.code, member.span, `\`${name}\` has no member \`${member.name}\``, {
    ...(allowed.length > 0 ? suggestionFix(member, allowed) : {}),
    notes: [allowed.length > 0 ? `the ${what} \`${name}\` has only \`${allowed.join("`, `")}\`` : `only stages have members (their output), and \`${name}\` is ${article(what)}`],
  });
}

/** What a stage declaration produces, from its variant (undefined if the variant is unknown). */
export function stageOutput(found: Resolved): Output | undefined {
  const variant = found.symbol.declaration.variant?.name;
  return stageKind.variants?.find((v) => v.name === variant)?.produces;
}

export function convertRef(value: Value, type: FieldType & { kind: "ref" }, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "Reference") return wrongType(scope, value, label, `a reference to ${article(type.target)}`);
  const found = resolve(value, scope, [type.target]);
  if (!found) return undefined;
  if (found.member) return unknownMember(scope, found, []);
  const kind = found.symbol.kind.name;
  if (kind !== type.target) {
    return report(scope, NameCode.WrongKind.code, value.span, `\`${pathText(value.path)}\` is ${article(kind)}, but \`${label}\` needs ${article(type.target)}`, {
      related: [{ span: found.symbol.declaration.name?.span ?? found.symbol.declaration.span, message: `declared here as ${article(kind)}` }],
    });
  }
  const name = leaf(found.symbol.qualifiedName, value.span);
  return type.encoding === "name" ? name : objectOf({ [type.target]: name }, value.span);
}

export function convertData(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "Call" && pathText(value.callee.path) === "render") return convertInlineRender(value, scope, label);
  if (value.kind !== "Reference") return wrongType(scope, value, label, "a dataset, a dataset-producing stage or `render(...)`");
  const found = resolve(value, scope, ["dataset", "stage"]);
  if (!found) return undefined;
  const kind = found.symbol.kind.name;
  const name = found.symbol.qualifiedName;
  if (kind === "dataset") {
    return found.member ? unknownMember(scope, found, []) : objectOf({ dataset: leaf(name, value.span) }, value.span);
  }
  if (kind === "stage") {
    const output = stageOutput(found);
    if (output === undefined) return undefined;
    if (found.member && found.member.name !== output) return unknownMember(scope, found, [output]);
    if (output !== "dataset") return wrongInput(scope, value, label, `the stage \`${name}\` produces ${article(output)}`, "a dataset");
    return objectOf({ stage: leaf(name, value.span), output: leaf("dataset", value.span) }, value.span);
  }
  if (kind === "model") return wrongInput(scope, value, label, `\`${name}\` is a model`, "a dataset");
  return wrongKind(scope, value, found, label, "a dataset or a stage");
}

export function convertModel(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "Reference") return wrongType(scope, value, label, "a model or a model-producing stage's `.model`");
  const found = resolve(value, scope, ["model", "stage"]);
  if (!found) return undefined;
  const kind = found.symbol.kind.name;
  const name = found.symbol.qualifiedName;
  if (kind === "model") {
    return found.member ? unknownMember(scope, found, []) : objectOf({ model: leaf(name, value.span) }, value.span);
  }
  if (kind === "stage") {
    const output = stageOutput(found);
    if (output === undefined) return undefined;
    if (found.member && found.member.name !== output) return unknownMember(scope, found, [output]);
    if (output !== "model") return wrongInput(scope, value, label, `the stage \`${name}\` produces ${article(output)}`, "a model");
    return objectOf({ stage: leaf(name, value.span), output: leaf("model", value.span) }, value.span);
  }
  if (kind === "dataset") return wrongInput(scope, value, label, `\`${name}\` is a dataset`, "a model");
  return wrongKind(scope, value, found, label, "a model or a stage");
}

function wrongInput(scope: CheckScope, value: Value, label: string, actual: string, needed: string): undefined {
  return report(scope, TypeCode.WrongStageInput.code, value.span, `${actual}, but \`${label}\` needs ${needed}`);
}

function wrongKind(scope: CheckScope, value: Reference, found: Resolved, label: string, needed: string): undefined {
  const kind = found.symbol.kind.name;
  return report(scope, NameCode.WrongKind.code, value.span, `\`${pathText(value.path)}\` is ${article(kind)}, but \`${label}\` needs ${needed}`);
}

/** `render(from, template = ..., target = ...)` → `{"render": {from, template, target}}`. */
function convertInlineRender(value: Value & { kind: "Call" }, scope: CheckScope, label: string): LValue | undefined {
  const variant = stageKind.variants?.find((v) => v.name === "render");
  if (!variant) return undefined;
  const fields = convertCallFields(value, variant, scope, "render");
  return fields ? objectOf({ render: fields }, value.span) : undefined;
}
