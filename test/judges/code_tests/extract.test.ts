import { describe, expect, it } from "vitest";
import { calledNames, definesName, extractCode, fencedBlocks } from "../../../runtime/judges/code_tests/extract.js";

describe("fencedBlocks", () => {
  it("reads backtick and tilde fences with their language tags", () => {
    const text = "intro\n```Python\na = 1\n```\ntext\n~~~py\nb = 2\n~~~\n````\nc = 3\n````\n";
    expect(fencedBlocks(text)).toEqual([
      { lang: "python", code: "a = 1" },
      { lang: "py", code: "b = 2" },
      { lang: "", code: "c = 3" },
    ]);
  });

  it("strips the fence's indentation (fences inside list items)", () => {
    expect(fencedBlocks("1. Code:\n   ```python\n   def f():\n       return 1\n   ```\n")).toEqual([{ lang: "python", code: "def f():\n    return 1" }]);
  });

  it("needs a closing fence at least as long, of the same character", () => {
    expect(fencedBlocks("````python\nx = '```'\n```\ny = 1\n````")).toEqual([{ lang: "python", code: "x = '```'\n```\ny = 1" }]);
  });

  it("runs an unclosed fence (a truncated response) to the end", () => {
    expect(fencedBlocks("```python\ndef f():\n    return")).toEqual([{ lang: "python", code: "def f():\n    return" }]);
  });

  it("understands pandoc-style and file-name tags", () => {
    expect(fencedBlocks("```{.python}\nx\n```\n```python:sol.py\ny\n```").map((b) => b.lang)).toEqual(["python", "python"]);
  });

  it("handles CRLF line endings", () => {
    expect(fencedBlocks("```python\r\nx = 1\r\n```\r\n")).toEqual([{ lang: "python", code: "x = 1" }]);
  });
});

describe("extractCode", () => {
  it("prefers Python-tagged blocks over untagged ones, and ignores other languages", () => {
    const text = "```\nuntagged = 1\n```\n```bash\npip install x\n```\n```python\ntagged = 1\n```";
    expect(extractCode(text)).toEqual({ code: "tagged = 1", from: "fence" });
  });

  it("uses untagged blocks when none is tagged Python", () => {
    expect(extractCode("```text\nout\n```\n```\nx = 1\n```")).toEqual({ code: "x = 1", from: "fence" });
  });

  it("takes the last block that defines a needed name, so example usage after the solution is skipped", () => {
    const text = "Draft:\n```python\ndef add(a, b):\n    return a - b\n```\nFixed:\n```python\ndef add(a, b):\n    return a + b\n```\nUsage:\n```python\nprint(add(1, 2))\n```";
    expect(extractCode(text, ["add", "print"])?.code).toBe("def add(a, b):\n    return a + b");
  });

  it("falls back to the last candidate when no block defines a needed name", () => {
    expect(extractCode("```python\na = 1\n```\n```python\nb = 2\n```", ["f"])?.code).toBe("b = 2");
  });

  it("returns the whole response, marked, when there is no fence", () => {
    expect(extractCode("def f():\n    return 1\n")).toEqual({ code: "def f():\n    return 1\n", from: "whole_response" });
    expect(extractCode("   ")).toBeNull();
  });

  it("finds nothing when every block is another language or empty", () => {
    expect(extractCode("```bash\nls\n```\n```python\n\n```")).toBeNull();
  });
});

describe("definesName and calledNames", () => {
  it("recognises def, async def, class and top-level assignment", () => {
    expect(definesName("def f(x): pass", "f")).toBe(true);
    expect(definesName("async def f(): pass", "f")).toBe(true);
    expect(definesName("class Solution:\n  pass", "Solution")).toBe(true);
    expect(definesName("f = lambda x: x", "f")).toBe(true);
    expect(definesName("f: Callable = g", "f")).toBe(true);
    expect(definesName("print(f(1))", "f")).toBe(false);
    expect(definesName("def fx(): pass", "f")).toBe(false);
  });

  it("lists the names a test calls", () => {
    expect(calledNames("assert add(1, 2) == 3\nassert len(x) == 1")).toEqual(["add", "len"]);
  });
});
