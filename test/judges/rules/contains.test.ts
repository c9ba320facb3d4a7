import { describe, expect, it } from "vitest";
import { createContainsJudge, type ContainsJudgeConfig } from "../../../runtime/judges/rules/contains.js";
import { JudgeConfigError } from "../../../runtime/judges/rules/config-error.js";
import { judge } from "./helpers.js";

const contains = (values: string[], mode: ContainsJudgeConfig["mode"] = "any", case_sensitive = true) =>
  createContainsJudge("c", { values, mode, case_sensitive });

describe("contains judge", () => {
  describe("mode any", () => {
    it("is satisfied by any one value and names it", () => {
      expect(judge(contains(["Paris", "Lyon"]), "The capital is Paris.")).toEqual({
        status: "satisfied",
        reason: "value_found",
        detail: '"Paris"',
      });
    });
    it("is violated when no value occurs", () => {
      expect(judge(contains(["Paris", "Lyon"]), "The capital is Rome.")).toEqual({ status: "violated", reason: "no_value_found" });
    });
  });

  describe("mode all", () => {
    const j = contains(["## Summary", "## Sources"], "all");
    it("is satisfied when every value occurs", () => {
      expect(judge(j, "## Summary\n...\n## Sources\n- x")).toEqual({ status: "satisfied", reason: "all_values_found" });
    });
    it("lists the missing values", () => {
      expect(judge(j, "## Summary only")).toEqual({ status: "violated", reason: "value_missing", detail: 'missing "## Sources"' });
    });
  });

  describe("mode none", () => {
    const j = contains(["I cannot", "I'm sorry"], "none", false);
    it("is satisfied when no forbidden value occurs", () => {
      expect(judge(j, "Here is the recipe.")).toEqual({ status: "satisfied", reason: "no_forbidden_value" });
    });
    it("names the forbidden value found, whatever its case", () => {
      expect(judge(j, "i'M SORRY, but no.")).toEqual({ status: "violated", reason: "forbidden_value_found", detail: '"I\'m sorry"' });
    });
  });

  it("is case-sensitive by default and insensitive on request", () => {
    expect(judge(contains(["JSON"]), "json output").status).toBe("violated");
    expect(judge(contains(["JSON"], "any", false), "json output").status).toBe("satisfied");
  });

  it("treats values literally (no regex metacharacters)", () => {
    expect(judge(contains(["a.b*"]), "a.b* literally").status).toBe("satisfied");
    expect(judge(contains(["a.b*"]), "axbb").status).toBe("violated");
  });

  it("matches composed and decomposed Unicode alike (NFC)", () => {
    const composed = "caf\u00e9";
    const decomposed = "cafe\u0301";
    expect(judge(contains([composed]), `un ${decomposed} noir`).status).toBe("satisfied");
    expect(judge(contains([decomposed]), `un ${composed} noir`).status).toBe("satisfied");
  });

  it("lower-cases non-ASCII text when case-insensitive", () => {
    expect(judge(contains(["ÉCOLE"], "any", false), "une école").status).toBe("satisfied");
  });

  it("handles an empty response", () => {
    expect(judge(contains(["x"]), "").status).toBe("violated");
    expect(judge(contains(["x"], "none"), "").status).toBe("satisfied");
  });

  describe("config errors", () => {
    it("rejects an empty list, empty strings and non-strings", () => {
      expect(() => contains([])).toThrow(JudgeConfigError);
      expect(() => contains([""])).toThrow(/values\[0\]: expected a non-empty string/);
      expect(() => createContainsJudge("c", { values: [3 as unknown as string], mode: "any", case_sensitive: true })).toThrow(/values\[0\]/);
    });
    it("rejects an unknown mode and a non-boolean case_sensitive", () => {
      expect(() => contains(["x"], "some" as "any")).toThrow(/mode: expected one of any \| all \| none/);
      expect(() => createContainsJudge("c", { values: ["x"], mode: "any", case_sensitive: "no" as unknown as boolean })).toThrow(
        /case_sensitive: expected true or false/,
      );
    });
  });
});
