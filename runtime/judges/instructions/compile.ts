/**
 * From rule requests to checkers: resolve each id, reject arguments the instruction does not
 * take, validate the rest, build the checker. Every problem is reported with the rule's index
 * and id, so a bad dataset row can be found and fixed.
 */
import { ArgReader } from "./args.js";
import { lookupInstruction } from "./registry.js";
import type { RuleRequest } from "./requirements.js";
import { suggestion } from "./suggest.js";
import type { Checker, InstructionDef } from "./types.js";

export interface CompiledRule {
  /** Position in the sample's rule list. */
  readonly index: number;
  /** The canonical IFEval id (a short name given in the data is resolved). */
  readonly id: string;
  readonly checker: Checker;
}

export type CompiledRequirements =
  | { readonly ok: true; readonly rules: readonly CompiledRule[] }
  | { readonly ok: false; readonly reason: "unknown_instruction" | "invalid_requirements"; readonly detail: string };

/**
 * Python's truthiness. IFEval drops falsy kwargs before using them, and datasets derived from
 * it fill unused arguments with null, "" or 0; those are not "unknown arguments".
 */
function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value as object).length === 0;
}

/** Arguments given (with a truthy value) that the instruction does not take. */
function unknownArgs(def: InstructionDef, kwargs: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(kwargs).filter((k) => !isFalsy(kwargs[k]) && !def.args.includes(k));
}

function argProblems(def: InstructionDef, kwargs: Readonly<Record<string, unknown>>): string[] {
  const problems = unknownArgs(def, kwargs).map((name) => {
    const takes = def.args.length === 0 ? "it takes none" : `it takes ${def.args.map((a) => JSON.stringify(a)).join(", ")}`;
    return `unknown argument ${JSON.stringify(name)}${suggestion(name, def.args)}; ${takes}`;
  });
  return problems;
}

/** Compile one rule, or describe why it cannot be. */
function compileRule(rule: RuleRequest, index: number): CompiledRule | { reason: "unknown_instruction" | "invalid_requirements"; message: string } {
  const where = `rules[${index}]`;
  const found = lookupInstruction(rule.id);
  if ("error" in found) return { reason: "unknown_instruction", message: `${where}: ${found.error}` };
  const { def } = found;
  const unknown = argProblems(def, rule.kwargs);
  const reader = new ArgReader(rule.kwargs);
  const checker = def.compile(reader);
  const problems = [...unknown, ...reader.errors];
  if (problems.length > 0) return { reason: "invalid_requirements", message: `${where} (${def.id}): ${problems.join("; ")}` };
  return { index, id: def.id, checker };
}

/** Compile a rule list; the first unknown id wins over argument problems in the reason. */
export function compileRequirements(rules: readonly RuleRequest[]): CompiledRequirements {
  const compiled: CompiledRule[] = [];
  const messages: string[] = [];
  let reason: "unknown_instruction" | "invalid_requirements" | undefined;
  for (const [i, rule] of rules.entries()) {
    const result = compileRule(rule, i);
    if ("checker" in result) {
      compiled.push(result);
    } else {
      messages.push(result.message);
      if (reason !== "unknown_instruction") reason = result.reason;
    }
  }
  if (reason !== undefined) return { ok: false, reason, detail: messages.join("; ") };
  return { ok: true, rules: compiled };
}
