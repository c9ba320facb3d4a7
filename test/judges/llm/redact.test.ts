import { describe, expect, it } from "vitest";
import { MIN_FRAGMENT, REDACTED, redactedSnippet, redactSecret } from "../../../runtime/judges/llm/redact.js";

const KEYS = ["sk-proj-Abc123Def456Ghi789Jkl012Mno345P", "sk-test-SECRET-0123456789", "hf_shortkey1"];

function fragments(secret: string): string[] {
  return Array.from({ length: secret.length - MIN_FRAGMENT + 1 }, (_, i) => secret.slice(i, i + MIN_FRAGMENT));
}

describe("redactSecret", () => {
  it("replaces the whole key and any piece of it, and leaves other text alone", () => {
    const key = KEYS[0]!;
    expect(redactSecret(`bad key ${key}.`, key)).toBe(`bad key ${REDACTED}.`);
    expect(redactSecret(`cut: ${key.slice(0, 20)}`, key)).toBe(`cut: ${REDACTED}`);
    expect(redactSecret(`tail ${key.slice(-9)} and ${key.slice(5, 17)}`, key)).toBe(`tail ${REDACTED} and ${REDACTED}`);
    expect(redactSecret("nothing secret here", key)).toBe("nothing secret here");
    expect(redactSecret(`${key.slice(0, MIN_FRAGMENT - 1)}`, key)).toBe(key.slice(0, MIN_FRAGMENT - 1));
    expect(redactSecret("text", null)).toBe("text");
  });

  it("property: a key anywhere in a body, cut at any length, leaves no piece of itself in the snippet", () => {
    for (const key of KEYS) {
      const pieces = fragments(key);
      for (const max of [20, 64, 200]) {
        for (let offset = 0; offset <= max + 1; offset++) {
          const body = `${"x ".repeat(offset).slice(0, offset)}${key}${" tail".repeat(20)}`;
          const snippet = redactedSnippet(body, key, max);
          for (const piece of pieces) expect(snippet, `${key} at ${offset}, cut at ${max}`).not.toContain(piece);
          expect(snippet.length).toBeLessThanOrEqual(max + 1);
        }
      }
    }
  });
});
