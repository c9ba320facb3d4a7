import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { decodeNumber, decodeString } from "../../grammar/literals.js";
import { codesAt, fieldValue } from "./helpers.js";

const v = (value: string) => fieldValue(`recipe r { x = ${value} }`, "x");

describe("numbers", () => {
  it.each([
    ["8", 8],
    ["-0.5", -0.5],
    ["5e-7", 5e-7],
    ["1.5E3", 1500],
    ["70_000_000_000", 70_000_000_000],
    ["1_000.000_1", 1000.0001],
  ])("%s is the number %d, raw kept", (raw, value) => {
    expect(v(raw)).toMatchObject({ kind: "Number", value, raw });
  });

  it.each([
    ["10s", 10],
    ["500ms", 0.5],
    ["2h", 7200],
    ["1.5h", 5400],
    ["5m", 300],
    ["1d", 86400],
  ])("duration %s is %d seconds", (raw, seconds) => {
    expect(v(raw)).toEqual(expect.objectContaining({ kind: "Duration", seconds, raw }));
  });

  it.each([
    ["80GiB", 80 * 1024 ** 3],
    ["512MiB", 512 * 1024 ** 2],
    ["1GB", 1e9],
    ["1.5TB", 1.5e12],
    ["3KiB", 3072],
    ["7B", 7],
    ["2KB", 2000],
    ["1TiB", 1024 ** 4],
    ["4MB", 4e6],
  ])("size %s is %d bytes", (raw, bytes) => {
    expect(v(raw)).toEqual(expect.objectContaining({ kind: "Size", bytes, raw }));
  });

  it("rejects a unit that is not one, listing the valid units", () => {
    const { diagnostics, document } = parse("judge j { timeout = 10x }", "t.align");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "AL1003", span: { line: 1, column: 23, length: 1 } });
    expect(diagnostics[0]!.message).toContain("ms, s, m, h, d");
    expect(diagnostics[0]!.message).toContain("KiB, MiB, GiB, TiB");
    const decl = document.items[0];
    expect(decl?.kind === "Declaration" && decl.body?.fields[0]?.value.kind).toBe("ErrorValue");
    expect(decl?.kind === "Declaration" && decl.recovered).toBe(true);
  });

  it("suggests the unit with the right case", () => {
    expect(decodeNumber("80gib")).toMatchObject({ kind: "Invalid", problem: { help: "did you mean `80GiB`?" } });
  });

  it("rejects out-of-range numbers, fractional bytes and a trailing separator", () => {
    expect(decodeNumber("1e999").kind).toBe("Invalid");
    expect(decodeNumber("1.5B").kind).toBe("Invalid");
    expect(decodeNumber("10_").kind).toBe("Invalid");
    expect(decodeNumber("1.5KB")).toEqual({ kind: "Size", bytes: 1500 });
  });
});

describe("strings", () => {
  it("decodes escapes", () => {
    expect(v(String.raw`"a\nb\tc\"d\\e\r\u{1F600}\u{41}"`)).toMatchObject({
      kind: "String",
      value: 'a\nb\tc"d\\e\r\u{1F600}A',
      multiline: false,
    });
  });

  it("keeps the raw text for the formatter", () => {
    expect(v(String.raw`"x\ty"`)).toMatchObject({ raw: String.raw`"x\ty"` });
  });

  it("reports an invalid escape at the backslash", () => {
    expect(codesAt(String.raw`recipe r { x = "ab\qc" }`)).toEqual(["AL1006 1:19"]);
    expect(codesAt(String.raw`recipe r { x = "\u{110000}" }`)).toEqual(["AL1006 1:17"]);
  });

  it("dedents a multi-line string by its common indentation", () => {
    const text = 'recipe r {\n  t = """\n    Hello {prompt}\n      indented\n\n    end\n    """\n}\n';
    expect(fieldValue(text, "t")).toMatchObject({ kind: "String", value: "Hello {prompt}\n  indented\n\nend\n", multiline: true });
  });

  it("keeps text on the opening line and without a final newline", () => {
    expect(decodeString('"""one\n  two"""', true).value).toBe("one\n  two");
    expect(decodeString('"""\n  a\n  b"""', true).value).toBe("a\nb");
  });

  it("reads CRLF multi-line strings as LF", () => {
    expect(decodeString('"""\r\n  a\r\n  b\r\n  """', true).value).toBe("a\nb\n");
  });

  it("processes escapes in multi-line strings after dedenting", () => {
    expect(decodeString('"""\n  a\\n  b\n  \\"""\n  """', true).value).toBe('a\n  b\n"""\n');
  });

  it("reports unterminated strings once, at the opening quote", () => {
    expect(codesAt('recipe r { x = "abc\n y = 1 }')).toEqual(["AL1002 1:16"]);
    expect(codesAt('recipe r { x = """abc\n y = 1 }')[0]).toBe("AL1002 1:16");
  });
});

describe("lexical structure", () => {
  it("treats keywords with longer names as identifiers", () => {
    expect(v("important")).toMatchObject({ kind: "Reference", path: [{ name: "important" }] });
    expect(v("trueish")).toMatchObject({ kind: "Reference" });
    expect(v("asx")).toMatchObject({ kind: "Reference" });
    expect(v("true")).toMatchObject({ kind: "Boolean", value: true });
    expect(v("false")).toMatchObject({ kind: "Boolean", value: false });
  });

  it("reports each run of unexpected characters once", () => {
    expect(codesAt("recipe r { x = 1 } @@@ $")).toEqual(["AL1001 1:20", "AL1001 1:24"]);
  });

  it("names control characters by code point", () => {
    const { diagnostics } = parse("recipe r { x = 1 }\u0000", "t.align");
    expect(diagnostics[0]!.message).toContain("U+0000");
  });

  it("measures columns in UTF-16 code units", () => {
    const decl = parse('recipe r { a = "😀😀" b = 1 }', "t.align").document.items[0]!;
    const b = decl.kind === "Declaration" ? decl.body!.fields[1]! : undefined;
    expect(b?.name.span).toMatchObject({ offset: 22, column: 23, line: 1 });
  });

  it("counts lines for LF, CRLF and lone CR alike", () => {
    for (const nl of ["\n", "\r\n", "\r"]) {
      const doc = parse(`# c${nl}recipe r {${nl}  x = 1${nl}}${nl}`, "t.align").document;
      const decl = doc.items[0]!;
      expect(decl.span.line).toBe(2);
      expect(decl.kind === "Declaration" && decl.body!.fields[0]!.span).toMatchObject({ line: 3, column: 3 });
    }
  });

  it("keeps comments with their text and position", () => {
    const doc = parse("# head\nrecipe r { x = 1 } # tail", "t.align").document;
    expect(doc.comments.map((c) => [c.text, c.span.line, c.span.column])).toEqual([
      [" head", 1, 1],
      [" tail", 2, 20],
    ]);
  });
});
