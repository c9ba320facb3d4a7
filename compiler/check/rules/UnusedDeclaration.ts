/**
 * A model, dataset, reward, judge or task that nothing refers to is dead text: usually a
 * task left out of a stage's `tasks` or a judge left out of a task's `judges`.
 */
import type { Declaration } from "../../../grammar/ast.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { suggestions } from "../../diagnostics/suggest.js";
import { kinds } from "../../schema/registry.js";
import type { FieldMap, FieldType } from "../../schema/types.js";
import { declarations, referencesOf } from "./support/ast.js";

export const unusedDeclarationCode: CodeInfo = {
  code: "AL4009",
  severity: "warning",
  title: "unused declaration",
  description:
    "A model, dataset, reward, judge or task is declared but never referenced. It has no " +
    "effect on the run; often it was meant to be listed somewhere (a judge in a task's " +
    "`judges`, a task in a cgpo stage's `tasks`). Only checked in recipes that declare stages, " +
    "so files of shared declarations meant for `import` stay quiet.",
  example:
    'model policy { from = hf("org/m-7b") }\nmodel spare { from = hf("org/m-1b") }\n' +
    'dataset d = jsonl("d.jsonl")\nstage s = sft { model = policy  data = [d] }\n',
};

const CHECKED_KINDS = new Set(["model", "dataset", "reward", "judge", "task"]);

export const unusedDeclarationRule: Rule = {
  name: "UnusedDeclaration",
  codes: [unusedDeclarationCode.code],
  check(context) {
    const root = context.documents[0];
    if (!root) return [];
    const decls = declarations(root);
    if (!decls.some((decl) => decl.declKind.name === "stage")) return [];
    // A declaration the parser recovered may have lost the references that use the others
    // (an unterminated `"""` swallows the rest of the file): the syntax error comes first.
    if (decls.some((decl) => decl.recovered)) return [];
    const used = usedNames(decls);
    return decls
      .filter((decl) => CHECKED_KINDS.has(decl.declKind.name) && decl.name && !used.has(decl.name.name))
      .map((decl) =>
        context.diagnostic(unusedDeclarationCode.code, decl.name!.span, `${decl.declKind.name} \`${decl.name!.name}\` is never used`, {
          help: `reference it where it is meant to be used, or remove it`,
          fix: { title: `remove ${decl.declKind.name} \`${decl.name!.name}\``, edits: [{ span: decl.span, newText: "" }] },
        }),
      );
  },
};

/**
 * Names referenced from other declarations. A reference that names nothing is most likely
 * a typo (reported as AL2001); the declarations it could have meant count as used, so the
 * typo does not also produce an "unused" warning.
 */
function usedNames(decls: readonly Declaration[]): Set<string> {
  const declared = new Set(decls.flatMap((decl) => (decl.name ? [decl.name.name] : [])));
  const used = new Set<string>();
  for (const decl of decls) {
    for (const reference of referencesOf(decl)) {
      const first = reference.path[0]?.name;
      if (first === undefined || first === decl.name?.name) continue;
      used.add(first);
      // An enum member (`violated_when = positive`) is written like a reference but names no
      // declaration: it must not make a declaration that looks like it (`polite`) count as used.
      if (!declared.has(first) && !enumMembers().has(first)) for (const near of suggestions(first, declared)) used.add(near);
    }
  }
  return used;
}

let members: Set<string> | undefined;

/** Every enum member and bare variant name of the schema (`positive`, `bf16`, `python`, ...). */
function enumMembers(): Set<string> {
  if (members) return members;
  members = new Set<string>();
  const fromType = (type: FieldType): void => {
    if (type.kind === "enum") for (const m of type.members) members!.add(m);
    else if (type.kind === "list") fromType(type.item);
    else if (type.kind === "block") fromFields(type.fields);
    else if (type.kind === "variants") for (const v of type.variants) { members!.add(v.name); fromFields(v.fields); }
  };
  const fromFields = (fields: FieldMap): void => {
    for (const spec of Object.values(fields)) fromType(spec.type);
  };
  for (const kind of kinds) {
    fromFields(kind.common);
    for (const v of kind.variants ?? []) fromFields(v.fields);
  }
  return members;
}
