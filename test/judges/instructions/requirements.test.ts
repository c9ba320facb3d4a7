/** Rule data in every accepted shape, and every way it can be malformed. */
import { describe, expect, it } from "vitest";
import { judge } from "./helpers.js";

const ok = "The sky is blue and the grass is green.";

describe("accepted rule shapes", () => {
  it.each([
    ["an array of {id, kwargs}", [{ id: "punctuation:no_comma", kwargs: {} }]],
    ["an array of {instruction_id}", [{ instruction_id: "punctuation:no_comma" }]],
    ["an array of bare ids", ["punctuation:no_comma"]],
    ["IFEval's row shape", { key: 7, prompt: "p", instruction_id_list: ["punctuation:no_comma"], kwargs: [{}] }],
    ["IFEval's row with null kwargs values", { instruction_id_list: ["punctuation:no_comma"], kwargs: [{ num_words: null, relation: null }] }],
    ["unused kwargs filled with falsy values", [{ id: "punctuation:no_comma", kwargs: { keyword: "", frequency: 0, keywords: [] } }]],
    ["IFEval's row without kwargs", { instruction_id_list: ["punctuation:no_comma"] }],
    ["a single rule object", { id: "punctuation:no_comma" }],
    ["a JSON string of an array", JSON.stringify([{ id: "punctuation:no_comma", kwargs: null }])],
    ["a JSON string of IFEval's row", JSON.stringify({ instruction_id_list: ["punctuation:no_comma"], kwargs: [{}] })],
    ["the paper's bare name", "no_comma"],
    ["a comma-separated list of names", "no_comma, english_lowercase"],
  ])("%s", (_, rules) => {
    expect(judge(rules, ok.toLowerCase())).toEqual({ status: "satisfied", reason: "all_followed" });
  });

  it("pairs IFEval's kwargs with ids by position", () => {
    const rules = {
      instruction_id_list: ["length_constraints:number_words", "keywords:existence"],
      kwargs: [{ num_words: 5, relation: "at least", keywords: null }, { keywords: ["grass"], num_words: null }],
    };
    expect(judge(rules, ok).status).toBe("satisfied");
    expect(judge(rules, "Grass.").detail).toContain("length_constraints:number_words[0]: 1 word(s), expected at least 5");
  });

  it("an empty rule list is satisfied, with its own reason", () => {
    expect(judge([], ok)).toEqual({ status: "satisfied", reason: "no_instructions" });
  });
});

describe("malformed rule data is an error verdict, never a throw", () => {
  it.each([
    ["not JSON", "[{\"id\": ", "invalid_requirements", "not valid JSON"],
    ["an empty string", "   ", "invalid_requirements", "empty string"],
    ["a number", 42, "invalid_requirements", "got a number"],
    ["a boolean", true, "invalid_requirements", "got a boolean"],
    ["an object of another shape", { rules: [] }, "invalid_requirements", 'keys "rules"'],
    ["a rule that is a number", [7], "invalid_requirements", "rules[0]: expected a rule object or an id string, got a number"],
    ["a rule without id", [{ kwargs: {} }], "invalid_requirements", 'rules[0]: "id" must be a non-empty string'],
    ["a rule with both id keys", [{ id: "a", instruction_id: "b" }], "invalid_requirements", 'not both'],
    ["a rule with a misspelt key", [{ id: "punctuation:no_comma", kwarg: {} }], "invalid_requirements", 'rules[0]: unknown key "kwarg"'],
    ["kwargs that is a list", [{ id: "punctuation:no_comma", kwargs: [1] }], "invalid_requirements", "kwargs must be an object, got an array"],
    ["lists of different lengths", { instruction_id_list: ["a", "b"], kwargs: [{}] }, "invalid_requirements", "2 id(s) but kwargs has 1"],
    ["an id list that is a string", { instruction_id_list: "punctuation:no_comma", kwargs: [] }, "invalid_requirements", "instruction_id_list must be an array"],
    ["a kwargs entry that is a string", { instruction_id_list: ["punctuation:no_comma"], kwargs: ["{}"] }, "invalid_requirements", "kwargs[0] must be an object"],
  ])("%s", (_, rules, reason, detail) => {
    const v = judge(rules, ok);
    expect(v.status).toBe("error");
    expect(v.reason).toBe(reason);
    expect(v.detail).toContain(detail);
  });

  it("names an unknown instruction with a did-you-mean", () => {
    const v = judge([{ id: "punctuation:no_comma" }, { id: "keywords:existance", kwargs: { keywords: ["x"] } }], ok);
    expect(v).toMatchObject({ status: "error", reason: "unknown_instruction" });
    expect(v.detail).toBe('rules[1]: unknown instruction "keywords:existance" (did you mean "keywords:existence"?)');
    expect(judge(["english_captial"], "X").detail).toContain('did you mean "change_case:english_capital"?');
    expect(judge(["detectable_format:rephrase"], "X").detail).toBe('rules[0]: unknown instruction "detectable_format:rephrase"');
  });

  it.each([
    ["a missing argument", "keywords:frequency", { keyword: "sky", frequency: 2 }, 'argument "relation" is missing'],
    ["a bad relation", "keywords:frequency", { keyword: "sky", frequency: 2, relation: "less_than" }, 'must be "less than" or "at least", got "less_than" (a string) (did you mean "less than"?)'],
    ["a negative count", "length_constraints:number_words", { num_words: -1, relation: "at least" }, 'argument "num_words" must be a non-negative integer, got -1'],
    ["a fractional count", "length_constraints:number_words", { num_words: 2.5, relation: "at least" }, "got 2.5"],
    ["a count given as a string", "length_constraints:number_words", { num_words: "100", relation: "at least" }, 'got "100" (a string)'],
    ["an empty keyword list", "keywords:existence", { keywords: [] }, 'argument "keywords" must be a non-empty list of strings, got an array'],
    ["a blank keyword", "keywords:existence", { keywords: ["sky", " "] }, 'argument "keywords[1]" must be a non-empty string'],
    ["a multi-letter letter", "keywords:letter_frequency", { letter: "ab", let_frequency: 2, let_relation: "at least" }, "single ASCII letter"],
    ["an argument the instruction does not take", "punctuation:no_comma", { num_words: 3 }, 'unknown argument "num_words"; it takes none'],
    ["a misspelt argument", "detectable_format:multiple_sections", { section_splitter: "SECTION", num_sections: 2 }, 'unknown argument "section_splitter" (did you mean "section_spliter"?)'],
  ])("%s", (_, id, kwargs, detail) => {
    const v = judge([{ id, kwargs }], ok);
    expect(v).toMatchObject({ status: "error", reason: "invalid_requirements" });
    expect(v.detail).toContain(`rules[0] (${id}): `);
    expect(v.detail).toContain(detail);
  });

  it("reports every bad rule, not only the first", () => {
    const v = judge([{ id: "length_constraints:number_words", kwargs: {} }, { id: "keywords:existence", kwargs: { keywords: "sky" } }], ok);
    expect(v.detail).toContain('rules[0] (length_constraints:number_words): argument "num_words" is missing; argument "relation" is missing');
    expect(v.detail).toContain("rules[1] (keywords:existence)");
  });
});
