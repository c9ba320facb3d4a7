/**
 * The judges' own checks of their inputs, handed to the compiler by the composition roots
 * (`align check` and the other CLI commands, the language server): the compiler cannot import
 * the runtime, and a second copy of these definitions would drift from the judges.
 */
import type { JudgeInputChecks } from "../../compiler/index.js";
// The module of its own, not the judge's index: `align check` must not load zod, ELD and franc.
import { requirementsProblem } from "./instructions/problem.js";

export const judgeInputChecks: JudgeInputChecks = { instructions: requirementsProblem };
