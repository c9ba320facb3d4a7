/**
 * Python's `json.loads` as a yes/no question. It is `JSON.parse` plus the three non-standard
 * constants Python accepts by default (`NaN`, `Infinity`, `-Infinity`). Those are rewritten to
 * `0` outside strings, only where a value may start, and the text is parsed again.
 */

const CONSTANTS = ["NaN", "Infinity"] as const;

function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

/** `text` with standalone NaN / Infinity outside strings replaced by 0, or undefined if none. */
function withoutPythonConstants(text: string): string | undefined {
  let out = "";
  let last = 0;
  let inString = false;
  let prev = ""; // previous non-space character outside strings
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      prev = c;
      continue;
    }
    const constant = CONSTANTS.find((k) => text.startsWith(k, i));
    // Python accepts `-Infinity` but not `-NaN`.
    const valueMayStart = prev === "" || "[,:".includes(prev) || (prev === "-" && constant === "Infinity");
    if (constant !== undefined && valueMayStart && !isIdentChar(text.charAt(i + constant.length))) {
      out += `${text.slice(last, i)}0`;
      i += constant.length - 1;
      last = i + 1;
      prev = "0";
      continue;
    }
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") prev = c;
  }
  return last === 0 ? undefined : out + text.slice(last);
}

// A JSON text starts and ends with one of these, after JSON whitespace.
const JSON_WS = " \t\n\r";
const FIRST = new Set([..."{[\"-0123456789tfnNI"]);
const LAST = new Set([..."}]\"0123456789elyN"]);

/** Whether Python's `json.loads(text)` would succeed. */
export function parsePythonJson(text: string): boolean {
  // Most non-JSON answers fail here, without the cost of a thrown SyntaxError.
  let first = 0;
  let last = text.length - 1;
  while (first <= last && JSON_WS.includes(text.charAt(first))) first++;
  while (last >= first && JSON_WS.includes(text.charAt(last))) last--;
  if (!FIRST.has(text.charAt(first)) || !LAST.has(text.charAt(last))) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    if (!text.includes("NaN") && !text.includes("Infinity")) return false;
  }
  const rewritten = withoutPythonConstants(text);
  if (rewritten === undefined) return false;
  try {
    JSON.parse(rewritten);
    return true;
  } catch {
    return false;
  }
}
