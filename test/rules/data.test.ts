import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  columnValue,
  locateJsonError,
  parseJsonlHead,
  parseTemplate,
  readJsonlHead,
  renderTemplate,
} from "../../compiler/data/index.js";

describe("parseTemplate", () => {
  it("finds slots in order, once each, and honours doubled braces", () => {
    const parsed = parseTemplate("Q: {prompt}\nA: {response} {{not a slot}} {prompt}");
    expect(parsed.slots).toEqual(["prompt", "response"]);
    expect(parsed.occurrences.map((slot) => slot.offset)).toEqual([3, 15, 41]);
    expect(parsed.errors).toEqual([]);
  });

  it("reports lone braces and non-identifier slots with their offsets", () => {
    expect(parseTemplate("a {prompt").errors).toEqual([{ offset: 2, message: "unclosed `{` (write `{{` for a literal brace)" }]);
    expect(parseTemplate("a } b").errors[0]?.offset).toBe(2);
    expect(parseTemplate('{"json": 1}').errors[0]?.message).toMatch(/is not a slot name/);
  });

  it("renders slots and escapes", () => {
    expect(renderTemplate("{{x}} = {x}", { x: "1" })).toBe("{x} = 1");
    expect(() => renderTemplate("{y}", {})).toThrow(/slot \{y\}/);
  });
});

describe("locateJsonError", () => {
  it("points at the offending character", () => {
    expect(locateJsonError('{"a":}')).toEqual({ offset: 5, message: "unexpected `}`, expected a value" });
    expect(locateJsonError('{"a" 1}')?.offset).toBe(5);
    expect(locateJsonError('{"a": "x')?.message).toBe("unterminated string");
    expect(locateJsonError("[1,2,]")?.offset).toBe(5);
    expect(locateJsonError('{"a": 1} x')?.message).toBe("unexpected text after the JSON value");
  });

  it("accepts valid JSON", () => {
    expect(locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9\\n"]}')).toBeUndefined();
  });
});

describe("parseJsonlHead", () => {
  it("reads rows with their line numbers, skipping blank lines", () => {
    const head = parseJsonlHead('{"a":1}\n\n{"a":2}\r\n');
    expect(head.rows.map((row) => row.line)).toEqual([1, 3]);
    expect(head.problem).toBeUndefined();
  });

  it("stops at the first malformed line with its line and column", () => {
    const head = parseJsonlHead('{"a":1}\n{"a":1,}\n{"a":3}');
    expect(head.rows).toHaveLength(1);
    expect(head.problem).toEqual({ line: 2, column: 8, message: "unexpected `}`, expected a property name in double quotes" });
  });

  it("rejects lines that are not objects", () => {
    expect(parseJsonlHead("[1]").problem?.message).toBe("expected a JSON object per line, found an array");
  });

  it("stops after maxRows and never judges a line cut by the byte limit", () => {
    expect(parseJsonlHead('{"a":1}\n{"a":2}\n{"a":3}', { maxRows: 2, maxBytes: 100 })).toMatchObject({ truncated: true });
    const cut = parseJsonlHead('{"a":1}\n{"a":', { maxRows: 10, maxBytes: 12 }, false);
    expect(cut.rows).toHaveLength(1);
    expect(cut.problem).toBeUndefined();
  });
});

describe("readJsonlHead", () => {
  const dir = mkdtempSync(join(tmpdir(), "align-data-"));
  it("reads only the first bytes of a file", () => {
    const path = join(dir, "big.jsonl");
    writeFileSync(path, '{"prompt":"x"}\n'.repeat(10_000));
    const head = readJsonlHead(path, { maxRows: 1000, maxBytes: 100 });
    expect(head.kind === "ok" && head.rows.length).toBe(6);
  });

  it("tells a missing file from an unreadable one", () => {
    mkdirSync(join(dir, "adir"));
    expect(readJsonlHead(join(dir, "nope.jsonl")).kind).toBe("missing");
    expect(readJsonlHead(join(dir, "adir")).kind).toBe("unreadable");
  });
});

describe("columns and suggestions", () => {
  it("reaches into nested metadata with a dotted name", () => {
    expect(columnValue({ metadata: { answer: "1" } }, "metadata.answer")).toBe("1");
    expect(columnValue({ "a.b": 2 }, "a.b")).toBe(2);
    expect(columnValue({ a: 1 }, "a.b")).toBeUndefined();
  });
});
