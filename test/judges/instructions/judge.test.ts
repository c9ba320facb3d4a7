/** The judge factory, its verdicts, the registry of instruction ids, and speed on hostile input. */
import { describe, expect, it } from "vitest";
import { INSTRUCTIONS, createInstructionsJudge, looseReadings } from "../../../runtime/judges/instructions/index.js";
import { judge } from "./helpers.js";

const IFEVAL_IDS = [
  "keywords:existence", "keywords:frequency", "keywords:forbidden_words", "keywords:letter_frequency",
  "language:response_language", "length_constraints:number_sentences", "length_constraints:number_paragraphs",
  "length_constraints:number_words", "length_constraints:nth_paragraph_first_word",
  "detectable_content:number_placeholders", "detectable_content:postscript",
  "detectable_format:number_bullet_lists", "detectable_format:constrained_response",
  "detectable_format:number_highlighted_sections", "detectable_format:multiple_sections",
  "detectable_format:json_format", "detectable_format:title", "combination:two_responses",
  "combination:repeat_prompt", "startend:end_checker", "change_case:capital_word_frequency",
  "change_case:english_capital", "change_case:english_lowercase", "punctuation:no_comma", "startend:quotation",
];

describe("registry", () => {
  it("has exactly IFEval's 25 instruction ids", () => {
    expect(INSTRUCTIONS.map((d) => d.id)).toEqual(IFEVAL_IDS);
  });
});

describe("createInstructionsJudge", () => {
  it("is an `instructions` judge with the given name", () => {
    const j = createInstructionsJudge("precise_if", { requirements: { field: "if_requirements" }, mode: "strict" });
    expect(j).toMatchObject({ name: "precise_if", variant: "instructions" });
  });

  it("accepts the plan's judge object (variant, on_error, scope are not its business)", () => {
    const plan = { variant: "instructions", on_error: "violated", scope: null, requirements: { field: "req" }, mode: "loose" };
    const j = createInstructionsJudge("x", plan as never);
    expect(j.evaluate({ prompt: "", response: "Hi,\nno commas here", fields: { req: "no_comma" } }, {})).toMatchObject({ status: "satisfied" });
  });

  it("rejects a bad configuration when it is built", () => {
    expect(() => createInstructionsJudge("x", { requirements: { field: "" }, mode: "strict" })).toThrow();
    expect(() => createInstructionsJudge("x", { requirements: { field: "r" }, mode: "lenient" as never })).toThrow();
  });

  it("names a missing field, with the closest field the sample has", () => {
    const j = createInstructionsJudge("x", { requirements: { field: "if_requirements" }, mode: "strict" });
    const v = j.evaluate({ prompt: "", response: "hi", fields: { if_requirement: "no_comma" } }, {});
    expect(v).toEqual({
      status: "error",
      reason: "requirements_missing",
      detail: 'the sample has no field "if_requirements" (did you mean "if_requirement"?)',
    });
  });

  it("violates with the failed ids, their positions and why", () => {
    const rules = [
      { id: "punctuation:no_comma" },
      { id: "keywords:existence", kwargs: { keywords: ["ocean"] } },
      { id: "detectable_format:title" },
    ];
    const v = judge(rules, "<<Sea>>\nThe sea, the sky.");
    expect(v).toEqual({
      status: "violated",
      reason: "instruction_not_followed",
      detail: '2 of 3 not followed: punctuation:no_comma[0]: 1 comma(s); keywords:existence[1]: missing keyword(s) "ocean"',
    });
  });

  it("fails every instruction on a blank response, in both modes", () => {
    for (const mode of ["strict", "loose"] as const) {
      expect(judge(["no_comma"], "  \n ", mode).status).toBe("violated");
    }
  });

  it("gives the same verdict from its cache", () => {
    const rules = JSON.stringify([{ id: "length_constraints:number_words", kwargs: { num_words: 3, relation: "at least" } }]);
    for (let i = 0; i < 3; i++) {
      expect(judge(rules, "one two three").status).toBe("satisfied");
      expect(judge(rules, "one two").status).toBe("violated");
      expect(judge("[oops", "x").reason).toBe("invalid_requirements");
    }
  });

  it("checks a realistic multi-instruction answer", () => {
    const rules = {
      instruction_id_list: [
        "detectable_format:title", "detectable_format:multiple_sections", "detectable_content:postscript",
        "length_constraints:number_words", "detectable_format:number_highlighted_sections",
      ],
      kwargs: [{}, { section_spliter: "SECTION", num_sections: 2 }, { postscript_marker: "P.S." },
        { num_words: 300, relation: "less than" }, { num_highlights: 2 }],
    };
    const answer = [
      "<<A Guide to Composting>>", "", "SECTION 1", "Composting turns *kitchen scraps* into soil.", "",
      "SECTION 2", "Turn the pile weekly and keep it **moist**.", "", "P.S. Avoid meat and dairy.",
    ].join("\n");
    expect(judge(rules, answer)).toEqual({ status: "satisfied", reason: "all_followed" });
  });
});

describe("loose readings", () => {
  it("are IFEval's eight variants in its order", () => {
    expect(looseReadings("*a*\nb\n*c*")).toEqual(["*a*\nb\n*c*", "a\nb\nc", "b\n*c*", "*a*\nb", "b", "b\nc", "a\nb", "b"]);
    expect(looseReadings("one line")).toEqual(["one line", "one line", "", "", "", "", "", ""]);
  });
});

describe("hostile responses stay linear", () => {
  const all = IFEVAL_IDS.filter((id) => !id.startsWith("language:") && !id.includes("english_")).map((id) => ({ id, kwargs: kwargsFor(id) }));
  it.each([
    ["newlines", "\n".repeat(200_000)],
    ["spaces then a star", `${" ".repeat(200_000)}x`],
    ["open brackets", "[".repeat(200_000)],
    ["stars", "*".repeat(200_000)],
    ["angle brackets", "<<".repeat(100_000)],
    ["one long word", `${"a".repeat(200_000)}. B`],
    ["periods", ". ".repeat(100_000)],
    ["dots without spaces", "a.".repeat(100_000)],
    ["quotes", "'\"".repeat(100_000)],
  ])("%s (200 KB) in well under a second", (_, response) => {
    const t0 = performance.now();
    judge(all, response, "loose");
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

function kwargsFor(id: string): Record<string, unknown> {
  const table: Record<string, Record<string, unknown>> = {
    "keywords:existence": { keywords: ["x"] },
    "keywords:frequency": { keyword: "x", frequency: 2, relation: "at least" },
    "keywords:forbidden_words": { forbidden_words: ["x"] },
    "keywords:letter_frequency": { letter: "a", let_frequency: 2, let_relation: "at least" },
    "length_constraints:number_sentences": { num_sentences: 2, relation: "at least" },
    "length_constraints:number_paragraphs": { num_paragraphs: 2 },
    "length_constraints:number_words": { num_words: 2, relation: "at least" },
    "length_constraints:nth_paragraph_first_word": { num_paragraphs: 2, nth_paragraph: 1, first_word: "x" },
    "detectable_content:number_placeholders": { num_placeholders: 2 },
    "detectable_content:postscript": { postscript_marker: "P.S." },
    "detectable_format:number_bullet_lists": { num_bullets: 2 },
    "detectable_format:number_highlighted_sections": { num_highlights: 2 },
    "detectable_format:multiple_sections": { section_spliter: "SECTION", num_sections: 2 },
    "combination:repeat_prompt": { prompt_to_repeat: "x" },
    "startend:end_checker": { end_phrase: "x" },
    "change_case:capital_word_frequency": { capital_frequency: 2, capital_relation: "at least" },
  };
  return table[id] ?? {};
}
