/**
 * The chevrotain runtime, loaded from the single-file build the package ships
 * (`lib/chevrotain.mjs`) instead of its package entry. Why: the entry imports about 2,300
 * lodash-es modules, ~2 s of cold start-up for every `align check`; the bundled build loads in
 * tens of milliseconds and is the same code. Types still come from the package entry.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

// The package's `exports` hides lib/chevrotain.mjs, so locate it beside the resolved entry
// (lib/src/api.js).
const entry = createRequire(import.meta.url).resolve("chevrotain");
const bundled = join(dirname(entry), "..", "chevrotain.mjs");
const chevrotain = (await import(pathToFileURL(bundled).href)) as typeof Chevrotain;

export const { createToken, CstParser, EOF, Lexer, generateCstDts } = chevrotain;
