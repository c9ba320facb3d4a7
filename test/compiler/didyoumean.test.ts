import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../grammar/diagnostic.js";
import { compileText } from "./helpers.js";

const base = `model policy { from = builtin() }
reward helpfulness { from = builtin() }
dataset qa = jsonl("qa.jsonl") { prompt = "question" }
`;

function only(code: string, text: string): Diagnostic {
  const found = compileText(text).diagnostics.filter((d) => d.code === code);
  expect(found, `one ${code} in:\n${text}`).toHaveLength(1);
  return found[0]!;
}

describe("did-you-mean at the right line:col", () => {
  it("misspelt field", () => {
    const d = only("AL3001", base + "task t { prompts = [qa]  reward = helpfulness\n  optimizer = crpg { genrations = 8 } }\n");
    expect([d.span?.line, d.span?.column, d.span?.length]).toEqual([5, 22, 10]);
    expect(d.message).toBe("unknown field `genrations` in optimizer `crpg`");
    expect(d.help).toBe("did you mean `generations`?");
    expect(d.fix?.edits[0]?.newText).toBe("generations");
  });

  it("an unknown field beside the one missing required field is that field under another name: one diagnostic", () => {
    const text = base + "task t { prompts = [qa]  reward_model = helpfulness  optimizer = crpg }\n";
    const d = only("AL3001", text);
    expect(d.help).toBe("did you mean `reward`? it is required, and not written");
    expect(d.fix?.edits[0]?.newText).toBe("reward");
    expect(compileText(text).diagnostics.map((x) => x.code).filter((c) => c !== "AL5001")).toEqual(["AL3001"]); // AL5001: qa.jsonl is not there
    // Two unknown fields: no guess which is which; the missing field is reported on its own.
    const two = compileText(base + "task t { prompts = [qa]  reward_model = helpfulness  rm = helpfulness  optimizer = crpg }\n").diagnostics;
    expect(two.map((x) => x.code).filter((c) => c !== "AL5001").sort()).toEqual(["AL3001", "AL3001", "AL3005"]);
  });

  it("misspelt variant", () => {
    const d = only("AL2003", base + "judge exact = math_anwser { }\n");
    expect([d.span?.line, d.span?.column]).toEqual([4, 15]);
    expect(d.help).toBe("did you mean `math_answer`?");
    expect(d.fix?.edits[0]?.newText).toBe("math_answer");
  });

  it("misspelt reference", () => {
    const d = only("AL2001", base + "task t { prompts = [qa]  reward = helpfulnes  optimizer = crpg }\n");
    expect([d.span?.line, d.span?.column]).toEqual([4, 35]);
    expect(d.help).toBe("did you mean `helpfulness`?");
  });

  it("misspelt enum member", () => {
    const d = only("AL3002", "model policy { from = builtin()\n  dtype = bf61 }\n");
    expect([d.span?.line, d.span?.column]).toEqual([2, 11]);
    expect(d.help).toBe("did you mean `bf16`?");
    expect(d.notes?.[0]).toContain("`fp32`");
  });

  it("misspelt kind", () => {
    const d = only("AL2002", "modle policy { from = builtin() }\n");
    expect([d.span?.line, d.span?.column]).toEqual([1, 1]);
    expect(d.help).toBe("did you mean `model`?");
  });

  it("suggests names of the expected kind first", () => {
    const d = only("AL2001", base + "model polic2 { from = builtin() }\nstage s = sft { model = polcy  data = [qa] }\n");
    expect(d.help).toBe("did you mean `policy`?");
  });

  it("fix-it adds the unit to a bare duration", () => {
    const d = only("AL3004", "judge t = code_tests { timeout = 10 }\n");
    expect(d.fix?.edits[0]?.newText).toBe("10s");
    expect([d.span?.line, d.span?.column]).toEqual([1, 34]);
  });
});
