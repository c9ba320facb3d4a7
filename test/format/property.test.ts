/**
 * Formatter properties over generated valid recipes with random layout (spaces, line breaks,
 * blank lines, optional separators, comments): the formatter accepts them, is idempotent,
 * keeps every comment, and never changes meaning (same AST apart from spans and comments).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format/index.js";
import { parse } from "../../grammar/index.js";
import { stripSpans } from "../grammar/helpers.js";

const KEYWORDS = new Set(["import", "as", "true", "false"]);
const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((s) => !KEYWORDS.has(s));

/** Layout between tokens; every choice must keep a valid recipe valid. */
const gap = fc.constantFrom(" ", " ", "  ", "\n", "\n\n", "\n    ", " # note\n", "\n# own line\n  ", "\t");

const scalar = fc.constantFrom(
  '"prompt"',
  '"a\\tb \\"q\\" \\u{1F600}"',
  '""',
  '"""\n    line one\n      line two\n    """',
  "8",
  "-0.5",
  "5e-7",
  "1.5E3",
  "70_000_000_000",
  "10s",
  "500ms",
  "1.5h",
  "80GiB",
  "512MiB",
  "1GB",
  "true",
  "false",
);

type Src = fc.Arbitrary<string>;

/** Joins tokens with random layout. */
function laidOut(parts: Src[]): Src {
  return fc.tuple(...parts, fc.array(gap, { minLength: parts.length, maxLength: parts.length })).map((xs) => {
    const tokens = xs.slice(0, parts.length) as string[];
    const gaps = xs[parts.length] as string[];
    return tokens.map((t, i) => (i === 0 ? t : gaps[i]! + t)).join("");
  });
}

const { value, block } = fc.letrec<{ value: string; block: string; list: string; call: string; field: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(ident, { minLength: 1, maxLength: 3 }).map((p) => p.join(".")),
    tie("list"),
    tie("call"),
    tie("block"),
  ),
  list: fc
    .tuple(fc.array(tie("value"), { maxLength: 4 }), fc.boolean(), gap)
    .map(([items, trailing, g]) => `[${items.join(`,${g}`)}${trailing && items.length > 0 ? "," : ""}]`),
  call: fc
    .tuple(ident, fc.array(fc.tuple(fc.option(ident), tie("value")), { maxLength: 3 }), fc.option(tie("block")), gap)
    .map(([callee, args, body, g]) => {
      const printed = args.map(([name, v]) => (name === null ? v : `${name} =${g}${v}`)).join(", ");
      return `${callee}(${printed})${body === null ? "" : ` ${body}`}`;
    }),
  field: fc.oneof(
    laidOut([ident, fc.constant("="), tie("value"), fc.constantFrom("", ",", ";")]),
    laidOut([ident, tie("block")]),
  ),
  block: fc.array(tie("field"), { maxLength: 4 }).chain((fields) => laidOut([fc.constant("{"), ...fields.map((f) => fc.constant(f)), fc.constant("}")])),
}));

const declaration = fc.oneof(
  laidOut([ident, ident, block]),
  laidOut([ident, ident, fc.constant("="), ident, block]),
  laidOut([ident, ident, fc.constant("="), ident, fc.constant('("data/x.jsonl")'), block]),
  laidOut([ident, block]),
);

const recipe = fc
  .tuple(fc.option(fc.constant('import "common.align" as common')), fc.array(declaration, { minLength: 1, maxLength: 4 }), fc.array(gap, { maxLength: 4 }))
  .map(([imp, decls, gaps]) => [imp ?? "", ...decls].map((d, i) => `${gaps[i] ?? "\n"}${d}`).join("\n"));

describe("formatter properties", () => {
  it("generated recipes are valid", () => {
    fc.assert(
      fc.property(recipe, (text) => {
        expect(parse(text, "p.align").diagnostics).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("is idempotent, keeps every comment and never changes meaning", () => {
    fc.assert(
      fc.property(recipe, (text) => {
        const once = formatSource(text, "p.align").text;
        expect(once).toBeDefined();
        expect(formatSource(once!, "p.align").text).toBe(once);
        const before = parse(text, "p.align").document;
        const after = parse(once!, "p.align").document;
        expect(stripSpans(after)).toEqual(stripSpans(before));
        expect(after.comments.map((c) => c.text.trim())).toEqual(before.comments.map((c) => c.text.trim()));
      }),
      { numRuns: 300 },
    );
  });
});
