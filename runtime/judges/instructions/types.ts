/**
 * What an instruction is to this judge: an IFEval id, its keyword arguments, and a compile
 * step that validates the arguments once and returns a checker closed over them (patterns
 * built, strings lowercased), so that checking a response does no set-up work.
 */
import type { ArgReader } from "./args.js";
import type { TextView } from "./view.js";

/** IFEval's two comparison relations, spelled as IFEval spells them. */
export type Relation = "less than" | "at least";

export const RELATIONS: readonly Relation[] = ["less than", "at least"];

export interface Checker {
  /** Whether the response follows the instruction. */
  check(view: TextView): boolean;
  /** Why it does not, in a few words; only called after `check` returned false. */
  explain(view: TextView): string;
}

export interface InstructionDef {
  /** IFEval's instruction id, `group:name`. */
  readonly id: string;
  /** IFEval's keyword argument names for this instruction; this judge requires all of them. */
  readonly args: readonly string[];
  /** What a response must do, in one sentence (docs and error messages). */
  readonly summary: string;
  /** Validate the arguments (errors go to `args.errors`) and build the checker. */
  compile(args: ArgReader): Checker;
}

/** `actual RELATION threshold`: `less than` is `<`, `at least` is `>=`. */
export function compare(actual: number, relation: Relation, threshold: number): boolean {
  return relation === "less than" ? actual < threshold : actual >= threshold;
}

/** A checker that compares a count of something in the response with a threshold. */
export function countChecker(
  what: string,
  count: (view: TextView) => number,
  relation: Relation,
  threshold: number,
): Checker {
  return {
    check: (view) => compare(count(view), relation, threshold),
    explain: (view) => `${count(view)} ${what}, expected ${relation} ${threshold}`,
  };
}

/** A checker from a predicate and a fixed explanation. */
export function simpleChecker(check: (view: TextView) => boolean, why: string): Checker {
  return { check, explain: () => why };
}

/** A short quoted rendering of a string for explanations. */
export function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
