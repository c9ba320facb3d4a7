/**
 * detectable_content:* — placeholders in square brackets and a postscript. Both are written as
 * linear scans that find exactly what IFEval's regexes find (`\[.*?\]`, `\s*p\.\s?s\..*$`)
 * without their worst-case backtracking.
 */
import { PY_S, pyStrip } from "./text/pystr.js";
import { countChecker, simpleChecker, type InstructionDef } from "./types.js";

/** Matches of `\[.*?\]`: a `[` and the nearest `]` on the same line. */
export function countPlaceholders(text: string): number {
  let n = 0;
  let i = text.indexOf("[");
  while (i >= 0) {
    let k = i + 1;
    while (k < text.length && text.charAt(k) !== "]" && text.charAt(k) !== "\n") k++;
    if (k < text.length && text.charAt(k) === "]") n++;
    // On success the search resumes after `]`; on failure every `[` up to the line end fails too.
    i = text.indexOf("[", k + 1);
  }
  return n;
}

const numberPlaceholders: InstructionDef = {
  id: "detectable_content:number_placeholders",
  args: ["num_placeholders"],
  summary: "At least `num_placeholders` placeholders in square brackets, such as [address].",
  compile(args) {
    const threshold = args.integer("num_placeholders");
    return countChecker("placeholder(s) in [brackets]", (view) => countPlaceholders(view.text), "at least", threshold);
  },
};

// IFEval's two built-in markers get spelling-tolerant patterns; any other marker is a literal.
const PS_PATTERN = new RegExp(`p\\.${PY_S}?s\\.`);
const PPS_PATTERN = new RegExp(`p\\.${PY_S}?p\\.${PY_S}?s`);

const postscript: InstructionDef = {
  id: "detectable_content:postscript",
  args: ["postscript_marker"],
  summary: "A postscript starting with the marker (`P.S.`, `P.P.S` or any other marker text) appears.",
  compile(args) {
    const marker = args.text("postscript_marker", { strip: true });
    const lower = marker.toLowerCase();
    const found =
      marker === "P.P.S" ? (text: string) => PPS_PATTERN.test(text)
      : marker === "P.S." ? (text: string) => PS_PATTERN.test(text)
      : (text: string) => text.includes(lower);
    return simpleChecker((view) => found(view.lower), `no postscript starting with ${JSON.stringify(pyStrip(marker))}`);
  },
};

export const contentInstructions: readonly InstructionDef[] = [numberPlaceholders, postscript];
