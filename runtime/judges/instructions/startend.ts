/** startend:* — an exact closing phrase, and the whole response wrapped in double quotes. */
import { pyStrip, pyStripChars } from "./text/pystr.js";
import { quote, simpleChecker, type InstructionDef } from "./types.js";

const endChecker: InstructionDef = {
  id: "startend:end_checker",
  args: ["end_phrase"],
  summary: "The response ends with `end_phrase` (case-insensitive; surrounding quotes ignored).",
  compile(args) {
    const phrase = pyStrip(args.text("end_phrase")).toLowerCase();
    return simpleChecker(
      (view) => pyStripChars(view.stripped, '"').toLowerCase().endsWith(phrase),
      `response does not end with ${quote(phrase)}`,
    );
  },
};

const quotation: InstructionDef = {
  id: "startend:quotation",
  args: [],
  summary: "The entire response is wrapped in double quotation marks.",
  compile: () =>
    simpleChecker((view) => {
      const s = view.stripped;
      return s.length > 1 && s.startsWith('"') && s.endsWith('"');
    }, "response is not wrapped in double quotes"),
};

export const startEndInstructions: readonly InstructionDef[] = [endChecker, quotation];
