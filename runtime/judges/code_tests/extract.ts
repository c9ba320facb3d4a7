/**
 * Finding the program in a model's response. Rules (docs/judges/code_tests.md, "Extraction"):
 *  1. Fenced blocks (``` or ~~~, any indentation, CommonMark closing rules; a fence left open
 *     at the end of a truncated response runs to the end) are the candidates.
 *  2. Blocks tagged python / py / python3 / py3 win; untagged blocks count only when no block
 *     is tagged Python. Blocks in other languages (bash, text, output, ...) never count.
 *  3. Among the candidates, the last one that defines (`def` / `class` / assignment) a name
 *     the tests need; if none does, the last candidate. "Last" because models put the final
 *     answer after drafts; "defines a needed name" so an example-usage block after the
 *     solution is not taken for it.
 *  4. No fence at all: the whole response, marked as such, so that if it does not compile the
 *     verdict is `no_code_found` rather than `syntax_error`.
 */

export interface CodeBlock {
  /** Lower-cased first word of the info string ("" when untagged). */
  readonly lang: string;
  readonly code: string;
}

export interface ExtractedCode {
  readonly code: string;
  readonly from: "fence" | "whole_response";
}

const PYTHON_TAGS = new Set(["python", "py", "python3", "py3"]);
const OPENING = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

function infoLang(info: string): string {
  // `{.python}` (pandoc) and `python:solution.py` both mean Python.
  return info.replace(/^\{?\.?/, "").split(/[:{}]/)[0]!.toLowerCase();
}

function isClosing(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed[0] === fence[0] && /^(`+|~+)$/.test(trimmed);
}

/** Drop up to `indent` leading whitespace characters, as CommonMark does for fenced code. */
function unindent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && (line[i] === " " || line[i] === "\t")) i++;
  return line.slice(i);
}

export function fencedBlocks(text: string): CodeBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING.exec(lines[i]!);
    if (!open) continue;
    const [, indent = "", fence = "", info = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isClosing(lines[j]!, fence)) body.push(unindent(lines[j++]!, indent.length));
    blocks.push({ lang: infoLang(info), code: body.join("\n") });
    i = j;
  }
  return blocks;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function definesName(code: string, name: string): boolean {
  const n = escapeRegExp(name);
  return new RegExp(`^[ \\t]*(?:(?:async[ \\t]+)?def|class)[ \\t]+${n}\\b|^${n}[ \\t]*(?::[^=\\n]*)?=`, "m").test(code);
}

/** Names a test program calls or references at top level: `f(` and `check(candidate)`. */
export function calledNames(testSource: string): string[] {
  const names = new Set<string>();
  for (const match of testSource.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) names.add(match[1]!);
  return [...names];
}

/**
 * @param needed names the tests need (the entry point, or the functions the asserts call);
 *   used only to choose between several candidate blocks.
 */
export function extractCode(response: string, needed: readonly string[] = []): ExtractedCode | null {
  const blocks = fencedBlocks(response);
  if (blocks.length === 0) return response.trim() === "" ? null : { code: response, from: "whole_response" };
  const tagged = blocks.filter((b) => PYTHON_TAGS.has(b.lang));
  const candidates = (tagged.length > 0 ? tagged : blocks.filter((b) => b.lang === "")).filter((b) => b.code.trim() !== "");
  const defining = candidates.filter((b) => needed.some((name) => definesName(b.code, name)));
  const chosen = defining.at(-1) ?? candidates.at(-1);
  return chosen === undefined ? null : { code: chosen.code, from: "fence" };
}
