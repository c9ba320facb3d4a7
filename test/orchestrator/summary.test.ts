import { describe, expect, it } from "vitest";
import { topReasons } from "../../runtime/judges/reasons.js";
import { parseSummary, summaryLines } from "../../runtime/orchestrator/summary.js";

const induce = {
  stage: "induce", variant: "generate", rows_in: 40, samples: 40, kept: 0, dropped: 40,
  judges: {
    harmful: { satisfied: 0, violated: 0, error: 40, skipped: 0, error_reasons: { api_key_missing: 38, timeout: 1, budget_exhausted: 1, http_error: 0 } },
    a_rule: { satisfied: 30, violated: 6, error: 0, skipped: 4, error_reasons: {} },
  },
};

describe("stage summary lines", () => {
  it("print rows in and out, then each judge's counts with its top error reasons", () => {
    expect(summaryLines(induce)).toEqual([
      "[induce] rows in 40, samples 40, kept 0, dropped 40",
      "[induce] judge a_rule: satisfied 30, violated 6, error 0, skipped 4",
      "[induce] judge harmful: satisfied 0, violated 0, error 40 (api_key_missing 38, budget_exhausted 1, timeout 1)",
    ]);
  });

  it("rank reasons by count, then name, and keep three", () => {
    expect(topReasons({ b: 2, a: 2, c: 5, d: 1 })).toBe("c 5, a 2, b 2");
    expect(topReasons({})).toBe("");
  });

  it("accept only a summary-shaped value", () => {
    expect(parseSummary(JSON.parse(JSON.stringify(induce)))).toEqual(induce);
    expect(parseSummary({ stage: "x", rows_in: "40" })).toBeUndefined();
    expect(parseSummary(null)).toBeUndefined();
  });
});
