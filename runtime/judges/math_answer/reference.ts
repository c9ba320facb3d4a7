/**
 * The reference answer from the sample's data field, parsed once and cached. The field may hold
 * a bare answer (`"42"`, `42`, `"\frac{3}{4}"`), a GSM8K solution ending in `#### 42`, a MATH
 * solution with a `\boxed{}` answer, or a list of acceptable answers.
 */

import type { Judgement } from "../types.js";
import { judgeError } from "../types.js";
import { quote } from "../rules/text.js";
import { extractBoxed } from "./extract.js";
import { parseAnswer, type ParseOptions, type ParsedAnswer } from "./value.js";

/** References repeat across the K samples of a prompt and across epochs. */
const CACHE_LIMIT = 4096;

export class ReferenceCache {
  private readonly cache = new Map<string, ParsedAnswer | null>();
  constructor(private readonly options: ParseOptions) {}

  /** The parsed references, or the error verdict (reference_missing / reference_unparseable). */
  resolve(field: string, raw: unknown): ParsedAnswer[] | Judgement {
    if (raw === undefined || raw === null || raw === "") {
      return judgeError("reference_missing", `field "${field}" is absent or empty`);
    }
    const items = Array.isArray(raw) ? raw : [raw];
    const parsed: ParsedAnswer[] = [];
    for (const item of items) {
      const text = typeof item === "number" && Number.isFinite(item) ? String(item) : typeof item === "string" ? item : null;
      const answer = text === null ? null : this.parse(text);
      if (answer !== null) parsed.push(answer);
    }
    if (parsed.length > 0) return parsed;
    const shown = typeof raw === "string" ? quote(raw) : Array.isArray(raw) ? "a list" : typeof raw;
    return judgeError("reference_unparseable", `field "${field}": ${shown}`);
  }

  private parse(text: string): ParsedAnswer | null {
    const hit = this.cache.get(text);
    if (hit !== undefined) return hit;
    const answer = referenceAnswer(text);
    // A reference with unbalanced braces is broken data, not an answer to compare as text.
    const parsed = bracesBalanced(answer) ? parseAnswer(answer, this.options) : null;
    // A bounded cache: clearing wholesale is simpler than LRU and fine for a working set.
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(text, parsed);
    return parsed;
  }
}

/** The answer inside a full solution: after the last `####`, else the last box, else all of it. */
export function referenceAnswer(text: string): string {
  const hashes = text.lastIndexOf("####");
  if (hashes !== -1) return text.slice(hashes + 4).trim();
  if (text.includes("\\boxed") || text.includes("\\fbox")) return extractBoxed(text) ?? text;
  return text;
}

function bracesBalanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") i++;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0;
}
