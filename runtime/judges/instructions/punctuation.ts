/** punctuation:no_comma — no ASCII comma anywhere (other comma characters are allowed, as in IFEval). */
import { countOccurrences } from "./text/pystr.js";
import type { InstructionDef } from "./types.js";

const noComma: InstructionDef = {
  id: "punctuation:no_comma",
  args: [],
  summary: "The response contains no commas.",
  compile: () => ({
    check: (view) => !view.text.includes(","),
    explain: (view) => `${countOccurrences(view.text, ",")} comma(s)`,
  }),
};

export const punctuationInstructions: readonly InstructionDef[] = [noComma];
