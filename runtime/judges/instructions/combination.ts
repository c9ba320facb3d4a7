/**
 * combination:* — two different responses separated by six asterisks, and repeating the
 * request verbatim before answering.
 */
import { isBlank, pyStrip } from "./text/pystr.js";
import { quote, simpleChecker, type InstructionDef } from "./types.js";

/** IFEval: split on `******`; blank pieces only at the ends; exactly two that differ. */
function twoResponsesProblem(text: string): string | undefined {
  const pieces = text.split("******");
  const answers: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    if (!isBlank(piece)) answers.push(pyStrip(piece));
    else if (i !== 0 && i !== pieces.length - 1) return "an empty response between `******` separators";
  }
  if (answers.length !== 2) return `${answers.length} response(s) separated by \`******\`, expected 2`;
  if (answers[0] === answers[1]) return "the two responses are identical";
  return undefined;
}

const twoResponses: InstructionDef = {
  id: "combination:two_responses",
  args: [],
  summary: "Two different responses separated by six asterisks (******).",
  compile: () => ({
    check: (view) => twoResponsesProblem(view.text) === undefined,
    explain: (view) => twoResponsesProblem(view.text) ?? "",
  }),
};

const repeatPrompt: InstructionDef = {
  id: "combination:repeat_prompt",
  args: ["prompt_to_repeat"],
  summary: "The response starts with `prompt_to_repeat`, word for word (case-insensitive).",
  compile(args) {
    const prefix = pyStrip(args.text("prompt_to_repeat")).toLowerCase();
    return simpleChecker(
      (view) => pyStrip(view.lower).startsWith(prefix),
      `response does not start by repeating the request ${quote(prefix)}`,
    );
  },
};

export const combinationInstructions: readonly InstructionDef[] = [twoResponses, repeatPrompt];
