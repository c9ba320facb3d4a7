import { describe, expect, it } from "vitest";
import { parseCodeTestsConfig } from "../../../runtime/judges/code_tests/config.js";

describe("parseCodeTestsConfig", () => {
  it("fills the plan's defaults", () => {
    expect(parseCodeTestsConfig({})).toEqual({
      tests: { field: "tests" },
      entry_point: null,
      language: "python",
      timeout: 10,
      memory: 512 * 1024 * 1024,
      sandbox: "bwrap",
      processes: 32,
    });
  });

  it("accepts the plan object as the compiler writes it (timeout, memory, variant, on_error, scope)", () => {
    const config = parseCodeTestsConfig({ variant: "code_tests", on_error: "violated", scope: null, tests: { field: "unit_tests" }, entry_point: { field: "fn" }, timeout: 5, memory: 256 * 1024 * 1024, processes: 8, sandbox: "none", language: "python" });
    expect(config).toMatchObject({ tests: { field: "unit_tests" }, entry_point: { field: "fn" }, timeout: 5, memory: 256 * 1024 * 1024, processes: 8, sandbox: "none" });
  });

  it("rejects bad values with the field named", () => {
    expect(() => parseCodeTestsConfig({ language: "rust" })).toThrow(/language/);
    expect(() => parseCodeTestsConfig({ timeout: 0 })).toThrow(/timeout/);
    expect(() => parseCodeTestsConfig({ sandbox: "docker" })).toThrow(/sandbox/);
    expect(() => parseCodeTestsConfig({ memory: 1024 })).toThrow(/memory/);
    expect(() => parseCodeTestsConfig({ tests: "tests" })).toThrow(/tests/);
  });
});
