import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("combination:two_responses", () => {
  const id = "combination:two_responses";
  it("wants exactly two different responses around ******", () => {
    expect(outcome(id, {}, "Roses are red.\n******\nViolets are blue.")).toEqual(PASS);
    expect(outcome(id, {}, "Roses are red.\n******\nViolets are blue.\n******")).toEqual(PASS);
    expect(outcome(id, {}, "Same answer.\n******\nSame answer.")).toEqual(FAIL);
    expect(outcome(id, {}, "A ****** B ****** C")).toEqual(FAIL);
    expect(outcome(id, {}, "A\n******\n\n******\nB")).toEqual(FAIL);
  });
  it("loose drops an introduction that counts as a third response", () => {
    expect(outcome(id, {}, "Here are two options:\n******\nOption A.\n******\nOption B.")).toEqual(LOOSE_ONLY);
  });
});

describe("combination:repeat_prompt", () => {
  const id = "combination:repeat_prompt";
  const prompt = "Write a haiku about autumn leaves.";
  it("wants the response to start with the request, case-insensitively", () => {
    expect(outcome(id, { prompt_to_repeat: prompt }, `${prompt}\n\nCrimson leaves drift down`)).toEqual(PASS);
    expect(outcome(id, { prompt_to_repeat: prompt }, `  write a HAIKU about autumn leaves. Crimson leaves`)).toEqual(PASS);
    expect(outcome(id, { prompt_to_repeat: prompt }, "Crimson leaves drift down")).toEqual(FAIL);
  });
  it("loose drops a preamble before the repetition", () => {
    expect(outcome(id, { prompt_to_repeat: prompt }, `Sure! Repeating the request first:\n${prompt}\nCrimson leaves`)).toEqual(LOOSE_ONLY);
  });
});
