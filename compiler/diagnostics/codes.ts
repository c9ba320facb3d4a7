import { syntaxCodes } from "../../grammar/syntaxCodes.js";
import { ruleCodes } from "../check/rules/index.js";
import { compilerCodes } from "./compilerCodes.js";
import type { CodeInfo } from "./types.js";

/**
 * The one registry of diagnostic codes: syntax (grammar/syntaxCodes.ts), names and types
 * (./compilerCodes.ts) and semantic, data and resource rules (compiler/check/rules). `align
 * explain`, docs/diagnostics.md and every diagnostic's severity come from here.
 */

export type { CodeInfo } from "./types.js";

const syntax: readonly CodeInfo[] = syntaxCodes.map((c) => ({ ...c, severity: "error" as const }));

/** Every code, sorted by code. */
export const allCodes: readonly CodeInfo[] = [...syntax, ...compilerCodes, ...ruleCodes].sort((a, b) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
);

const byCode = new Map(allCodes.map((c) => [c.code, c]));

export function codeInfo(code: string): CodeInfo | undefined {
  return byCode.get(code.toUpperCase());
}

/** Codes registered twice (a test keeps this empty). */
export function duplicateCodes(): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const c of [...syntax, ...compilerCodes, ...ruleCodes]) {
    if (seen.has(c.code)) dup.push(c.code);
    seen.add(c.code);
  }
  return dup;
}
