import { describe, expect, it } from "vitest";
import { MAX_SYNTAX_ERRORS, parse } from "../../grammar/index.js";
import { codesAt, declarations } from "./helpers.js";

describe("error recovery", () => {
  it("reports every error in the file, not only the first", () => {
    const text = [
      "model a { dtype bf16 }",
      "model b { x = }",
      "model c { l = [1 2] }",
      "model d { t = 10x }",
      "model e { ok = 1 }",
    ].join("\n");
    expect(codesAt(text)).toEqual(["AL1004 1:17", "AL1009 2:15", "AL1004 3:18", "AL1003 4:17"]);
    const decls = declarations(parse(text, "t.align").document);
    expect(decls.map((d) => [d.name?.name, d.recovered])).toEqual([
      ["a", true],
      ["b", true],
      ["c", true],
      ["d", true],
      ["e", false],
    ]);
  });

  it("keeps the rest of a declaration around an error, with ErrorValue where a value was missing", () => {
    const [decl] = declarations(parse("task t { a = 1  b =  c = 3 }", "t.align").document);
    expect(decl!.body!.fields.map((f) => [f.name.name, f.value.kind])).toEqual([
      ["a", "Number"],
      ["b", "ErrorValue"],
      ["c", "Number"],
    ]);
    const [broken] = declarations(parse("task t { a = 1  b = }", "t.align").document);
    expect(broken!.body!.fields.map((f) => [f.name.name, f.value.kind])).toEqual([
      ["a", "Number"],
      ["b", "ErrorValue"],
    ]);
    expect(broken!.body!.fields[1]!.value.span).toMatchObject({ line: 1, column: 20, length: 0 });
  });

  it("names the unclosed block and where it was opened, and resumes at the next declaration", () => {
    const { diagnostics, document } = parse("model policy {\n  dtype = bf16\n\nmodel judge { dtype = bf16 }\n", "t.align");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: "AL1008",
      message: "expected `}` to close the block of `model policy` opened at 1:14, found `model`",
      span: { line: 4, column: 1 },
      related: [{ span: { line: 1, column: 14 }, message: "`{` opened here" }],
    });
    expect(declarations(document).map((d) => [d.name?.name, d.recovered, d.body?.fields.length])).toEqual([
      ["policy", true, 1],
      ["judge", false, 1],
    ]);
  });

  it("reports a missing `]` or `)` where the next field starts", () => {
    expect(parse("task t {\n  l = [a, b\n  w = 1\n}", "t.align").diagnostics.map((d) => d.message)).toEqual([
      "expected `]` to close the list of `l` opened at 2:7, found `w`",
    ]);
  });

  it("reports at end of file with the position just past the text", () => {
    const { diagnostics } = parse("model p {\n  a = hf(\n", "t.align");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "AL1008", span: { line: 3, column: 1, offset: 20, length: 0 } });
  });

  it("reports one error per run of stray top-level tokens", () => {
    expect(codesAt("} ] ) = 5\nrecipe r {}\n; ;")).toEqual(["AL1005 1:1", "AL1005 3:1"]);
  });

  it("never reports two errors at the same position", () => {
    const offsets = parse("x = = = = ] ] } { [", "t.align").diagnostics.map((d) => d.span!.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it(`caps the errors of one file at ${MAX_SYNTAX_ERRORS}`, () => {
    const text = Array.from({ length: 300 }, (_, i) => `model m${i} { a = }`).join("\n");
    const { diagnostics, document } = parse(text, "t.align");
    expect(diagnostics).toHaveLength(MAX_SYNTAX_ERRORS);
    expect(declarations(document)).toHaveLength(300);
  });

  it("never shows chevrotain's token-type names", () => {
    const samples = ["model {", "a = (", "x y z = [,", 'import "a" as 5', "m n { a = f(b = ) }", "m n { a.b = 1 }", "t t { x = a. }"];
    for (const text of samples) {
      for (const d of parse(text, "t.align").diagnostics) {
        expect(d.message).not.toMatch(/Identifier|LBrace|RBrace|LParen|RParen|LBracket|RBracket|StringLiteral|NumberLiteral|EOF|-->|<--/);
        expect(d.message).toMatch(/^[a-z]/);
      }
    }
  });
});
