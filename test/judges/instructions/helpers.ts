/** Shared helpers for the instructions judge tests. */
import { createInstructionsJudge } from "../../../runtime/judges/instructions/index.js";
import type { Judgement } from "../../../runtime/judges/types.js";

const strictJudge = createInstructionsJudge("if_strict", { requirements: { field: "if_requirements" }, mode: "strict" });
const looseJudge = createInstructionsJudge("if_loose", { requirements: { field: "if_requirements" }, mode: "loose" });

/** The verdict for a rule list (any accepted shape) and a response. */
export function judge(rules: unknown, response: string, mode: "strict" | "loose" = "strict"): Judgement {
  const j = mode === "strict" ? strictJudge : looseJudge;
  return j.evaluate({ prompt: "", response, fields: { if_requirements: rules } }, {}) as Judgement;
}

/** Strict and loose outcome of one instruction: "satisfied" | "violated" | "error". */
export function outcome(id: string, kwargs: Record<string, unknown>, response: string): { strict: string; loose: string } {
  const rules = [{ id, kwargs }];
  return { strict: judge(rules, response, "strict").status, loose: judge(rules, response, "loose").status };
}

export const PASS = { strict: "satisfied", loose: "satisfied" };
export const FAIL = { strict: "violated", loose: "violated" };
/** Strict fails, loose passes: the case loose evaluation exists for. */
export const LOOSE_ONLY = { strict: "violated", loose: "satisfied" };
