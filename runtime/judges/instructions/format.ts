/**
 * detectable_format:* — bullet lists, a fixed answer, highlighted sections, numbered sections,
 * JSON output and a <<title>>. Where IFEval uses a backtracking regex over the response, the
 * scan here is written out by hand to find the same matches in linear time.
 */
import { parsePythonJson } from "./json.js";
import { PY_S, escapeRegExp, isPyWhitespace, isBlank, pyStrip, pyStripChars } from "./text/pystr.js";
import { countChecker, simpleChecker, type InstructionDef } from "./types.js";

/** Index of the first non-whitespace character at or after `i` (or the text length). */
function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isPyWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** End of the line containing `i` (index of its `\n`, or the text length). */
function lineEnd(text: string, i: number): number {
  const k = text.indexOf("\n", i);
  return k < 0 ? text.length : k;
}

/**
 * Matches of one of IFEval's multiline bullet regexes: `^\s*\*[^\*].*$` (`star`) or
 * `^\s*-.*$` (dash). `\s*` may run over blank lines, and `[^\*]` may be a newline; both are
 * reproduced. From a line start the match (if any) begins at the first non-space character.
 */
function countBulletMatches(text: string, star: boolean): number {
  let n = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const j = skipWhitespace(text, lineStart);
    let end = -1;
    if (star && text.charAt(j) === "*" && j + 1 < text.length && text.charAt(j + 1) !== "*") {
      end = lineEnd(text, j + 2);
    } else if (!star && text.charAt(j) === "-") {
      end = lineEnd(text, j + 1);
    }
    if (end >= 0) {
      n++;
      // The match may end right after a newline (`*` then `\n` then an empty line), which is
      // itself a line start; otherwise it ends before a newline and the next line follows.
      lineStart = end > 0 && text.charAt(end - 1) === "\n" ? end : end + 1;
    } else {
      // Every line start up to j has j as its first non-space character, so fails the same way.
      if (j >= text.length) break;
      lineStart = lineEnd(text, j) + 1;
    }
  }
  return n;
}

export function countBullets(text: string): number {
  return countBulletMatches(text, true) + countBulletMatches(text, false);
}

const numberBulletLists: InstructionDef = {
  id: "detectable_format:number_bullet_lists",
  args: ["num_bullets"],
  summary: "Exactly `num_bullets` markdown bullet points (lines starting with `*` or `-`).",
  compile(args) {
    const expected = args.integer("num_bullets");
    return {
      check: (view) => countBullets(view.text) === expected,
      explain: (view) => `${countBullets(view.text)} bullet point(s), expected exactly ${expected}`,
    };
  },
};

const CONSTRAINED_OPTIONS = ["My answer is yes.", "My answer is no.", "My answer is maybe."];

const constrainedResponse: InstructionDef = {
  id: "detectable_format:constrained_response",
  args: [],
  summary: 'The response contains "My answer is yes.", "My answer is no." or "My answer is maybe."',
  compile: () =>
    simpleChecker(
      (view) => CONSTRAINED_OPTIONS.some((option) => view.stripped.includes(option)),
      'none of "My answer is yes.", "My answer is no.", "My answer is maybe." found',
    ),
};

/**
 * IFEval's highlight count: matches of `\*[^\n\*]*\*` with non-blank content, plus matches
 * of `\*\*[^\n\*]*\*\*` with non-blank content (so `**bold**` counts once, through the second).
 */
export function countHighlights(text: string): number {
  let n = 0;
  for (let i = text.indexOf("*"); i >= 0 && i < text.length; ) {
    let k = i + 1;
    while (k < text.length && text.charAt(k) !== "*" && text.charAt(k) !== "\n") k++;
    if (k < text.length && text.charAt(k) === "*") {
      if (!isBlank(text.slice(i + 1, k))) n++;
      i = text.indexOf("*", k + 1);
    } else {
      i = text.indexOf("*", k);
    }
  }
  for (let i = text.indexOf("**"); i >= 0; ) {
    let k = i + 2;
    while (k < text.length && text.charAt(k) !== "*" && text.charAt(k) !== "\n") k++;
    if (text.startsWith("**", k)) {
      if (!isBlank(text.slice(i + 2, k))) n++;
      i = text.indexOf("**", k + 2);
    } else {
      i = text.indexOf("**", i + 1);
    }
  }
  return n;
}

const numberHighlightedSections: InstructionDef = {
  id: "detectable_format:number_highlighted_sections",
  args: ["num_highlights"],
  summary: "At least `num_highlights` sections highlighted with markdown, *like this*.",
  compile(args) {
    const threshold = args.integer("num_highlights");
    return countChecker("highlighted section(s)", (view) => countHighlights(view.text), "at least", threshold);
  },
};

const multipleSections: InstructionDef = {
  id: "detectable_format:multiple_sections",
  args: ["section_spliter", "num_sections"],
  summary: "At least `num_sections` sections, each starting with `section_spliter` and a number (e.g. SECTION 1).",
  compile(args) {
    const splitter = args.text("section_spliter", { strip: true });
    const threshold = args.integer("num_sections");
    // IFEval splits on `\s?SPLITTER\s?\d+\s?`; the number of sections is the number of matches.
    const marker = new RegExp(`${PY_S}?${escapeRegExp(splitter)}${PY_S}?\\p{Nd}+${PY_S}?`, "gu");
    const count = (text: string) => (splitter === "" ? 0 : (text.match(marker) ?? []).length);
    return countChecker(`section(s) marked ${JSON.stringify(splitter)} + number`, (view) => count(view.text), "at least", threshold);
  },
};

/** The response with IFEval's code-fence wrapping removed, in IFEval's order. */
function unfence(text: string): string {
  let s = pyStrip(text);
  for (const prefix of ["```json", "```Json", "```JSON", "```"]) if (s.startsWith(prefix)) s = s.slice(prefix.length);
  if (s.endsWith("```")) s = s.slice(0, -3);
  return pyStrip(s);
}

const jsonFormat: InstructionDef = {
  id: "detectable_format:json_format",
  args: [],
  summary: "The entire response is JSON, optionally inside a ``` or ```json code fence.",
  compile: () => simpleChecker((view) => parsePythonJson(unfence(view.text)), "response is not valid JSON"),
};

/** Start of the last `>>` lying wholly inside [from, to), or -1; scans only that range. */
function lastCloseWithin(text: string, from: number, to: number): number {
  for (let k = to - 2; k >= from; k--) {
    if (text.charCodeAt(k) === 0x3e && text.charCodeAt(k + 1) === 0x3e) return k;
  }
  return -1;
}

/** Whether a line holds `<<...>>` with a non-blank title (IFEval's greedy `<<[^\n]+>>`). */
function hasTitle(text: string): boolean {
  for (let open = text.indexOf("<<"); open >= 0; ) {
    const end = lineEnd(text, open);
    // Greedy: the match runs from the line's first `<<` to its last `>>`, one character apart
    // at least; a later `<<` on the same line could only match a shorter stretch, never more.
    const close = lastCloseWithin(text, open + 3, end);
    if (close >= 0) {
      const inner = pyStripChars(pyStripChars(text.slice(open, close + 2), "<", "left"), ">", "right");
      if (pyStrip(inner) !== "") return true;
    }
    open = text.indexOf("<<", end + 1);
  }
  return false;
}

const title: InstructionDef = {
  id: "detectable_format:title",
  args: [],
  summary: "The response contains a title in double angular brackets, such as <<poem of joy>>.",
  compile: () => simpleChecker((view) => hasTitle(view.text), "no <<title>> found"),
};

export const formatInstructions: readonly InstructionDef[] = [
  numberBulletLists, constrainedResponse, numberHighlightedSections, multipleSections, jsonFormat, title,
];
