import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, suggestionFix, suggestions } from "../../compiler/diagnostics/suggest.js";

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("genrations", "generations")).toBe(1);
    expect(editDistance("dtpye", "dtype")).toBe(1);
    expect(editDistance("ab", "ba")).toBe(1);
  });
});

describe("suggestions", () => {
  it("offers the closest candidate within a bound relative to length", () => {
    expect(suggestions("genrations", ["generations", "temperature", "kl_max"])).toEqual(["generations"]);
    expect(suggestions("x", ["abc", "xyz"])).toEqual([]);
    expect(suggestions("policy", ["reward", "dataset"])).toEqual([]);
  });

  it("prefers a case-only difference and shows ties together", () => {
    expect(suggestions("Policy", ["policy", "polici"])).toEqual(["policy"]);
    expect(suggestions("cat", ["bat", "hat", "rat", "mat"])).toEqual(["bat", "hat", "mat"]);
  });

  it("formats help text and a fix-it", () => {
    expect(didYouMean("bf61", ["bf16", "fp16", "fp32"])).toBe("did you mean `bf16`?");
    expect(didYouMean("zzz", ["bf16"])).toBeUndefined();
    const span = { file: "f", offset: 3, length: 4, line: 1, column: 4 };
    const fix = suggestionFix({ name: "bf61", span }, ["bf16"]);
    expect(fix.fix?.edits).toEqual([{ span, newText: "bf16" }]);
  });
});
