/**
 * A custom judge's module must exist and export the named judge. Checked by reading the source
 * (user code is never run at check time), so `align serve` and `align run` do not find out later.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import { suggestions } from "../../diagnostics/suggest.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const customJudgeModuleCode: CodeInfo = {
  code: "AL4051",
  severity: "error",
  title: "custom judge module missing or without its export",
  description:
    "A `custom` judge names a module (relative to the recipe) and an export (default `judge`). " +
    "The module must be a readable file whose source exports that name (`export function judge`, " +
    "`export const judge`, `export { judge }`, or `export default` for `export = \"default\"`).",
  example: 'judge mine = custom { module = "judges/no-such-file.mjs" }\n',
};

/** Names a module's source exports, or undefined when it re-exports (`export *`) and cannot be known. */
export function exportedNames(source: string): Set<string> | undefined {
  if (/^\s*export\s*\*/m.test(source)) return undefined;
  const names = new Set<string>();
  for (const m of source.matchAll(/^\s*export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
  for (const m of source.matchAll(/^\s*export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) names.add(name);
    }
  }
  if (/^\s*export\s+default\b/m.test(source)) names.add("default");
  return names;
}

export const customJudgeModuleRule: Rule = {
  name: "CustomJudgeModule",
  codes: [customJudgeModuleCode.code],
  check(context) {
    return judgesOf(context, "custom").flatMap(([name, judge]) => {
      const j = judge as { variant: string; module?: string; export?: string };
      if (typeof j.module !== "string") return [];
      const wanted = j.export ?? "judge";
      const source = context.readFile(j.module);
      if (source === undefined) {
        return [context.diagnostic(customJudgeModuleCode.code, context.spanOf(pointer("judges", name, "module")), `judge \`${name}\` loads ${j.module}, which cannot be read`, {
          notes: [`paths are relative to the recipe's directory, ${context.rootDir}`],
        })];
      }
      const names = exportedNames(source);
      if (names === undefined || names.has(wanted)) return [];
      const near = suggestions(wanted, names, 1)[0];
      const listed = [...names].sort().map((n) => `\`${n}\``).join(", ") || "none";
      return [context.diagnostic(customJudgeModuleCode.code, context.spanOf(pointer("judges", name, j.export === undefined ? "module" : "export")),
        `judge \`${name}\`: ${j.module} does not export \`${wanted}\``, {
          notes: [`its exports: ${listed}`],
          help: near !== undefined ? `did you mean \`export = "${near}"\`?` : `export a function \`${wanted}(sample, context)\` from it, or name another export with \`export = "..."\``,
        })];
    });
  },
};
