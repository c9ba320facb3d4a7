import { describe, expect, it } from "vitest";
import { renderJson, renderText, shouldColor, summary } from "../../compiler/diagnostics/render.js";
import { compileText } from "./helpers.js";

const text = "model policy { from = builtin()\n  dtype = bf61 }\n";

describe("render", () => {
  const result = compileText(text);
  const sources = (f: string) => result.sources.get(f);

  it("prints a rustc-style code frame", () => {
    const out = renderText(result.diagnostics, sources, { color: false });
    expect(out).toBe(
      [
        "error[AL3002]: `bf61` is not a member of `dtype`",
        " --> main.align:2:11",
        "  |",
        "2 |   dtype = bf61 }",
        "  |           ^^^^",
        "  |",
        "  = help: did you mean `bf16`?",
        "  = note: expected one of `bf16`, `fp16`, `fp32`",
        "",
        "",
      ].join("\n"),
    );
  });

  it("colors only when asked", () => {
    expect(renderText(result.diagnostics, sources, { color: true })).toContain("\u001b[");
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
  });

  it("prints versioned JSON with end positions and the fix", () => {
    const doc = JSON.parse(renderJson(result.diagnostics, sources));
    expect(doc.version).toBe(1);
    expect(doc.diagnostics[0]).toMatchObject({
      code: "AL3002",
      severity: "error",
      file: "main.align",
      line: 2,
      column: 11,
      endLine: 2,
      endColumn: 15,
      offset: 42,
      length: 4,
      help: "did you mean `bf16`?",
      fix: { title: "replace `bf61` with `bf16`", edits: [{ newText: "bf16", line: 2, column: 11 }] },
    });
  });

  it("summarizes counts", () => {
    expect(summary(result.diagnostics)).toBe("1 error");
    expect(summary([])).toBe("");
  });
});
