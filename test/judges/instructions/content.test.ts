import { describe, expect, it } from "vitest";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("detectable_content:number_placeholders", () => {
  const id = "detectable_content:number_placeholders";
  const letter = "Dear [name],\n\nYour order will ship to [address] on [date].\n\nBest,\n[Your Name]";
  it("counts bracketed placeholders on one line each", () => {
    expect(outcome(id, { num_placeholders: 4 }, letter)).toEqual(PASS);
    expect(outcome(id, { num_placeholders: 5 }, letter)).toEqual(FAIL);
    expect(outcome(id, { num_placeholders: 1 }, "A bracket [that never\ncloses] on its line.")).toEqual(FAIL);
  });
  it("loose cannot add placeholders, so it never rescues a strict failure", () => {
    expect(outcome(id, { num_placeholders: 2 }, "Sure:\n**[name]** is here.\nThanks")).toEqual(FAIL);
  });
});

describe("detectable_content:postscript", () => {
  const id = "detectable_content:postscript";
  it("finds P.S. and P.P.S markers, spacing-tolerant", () => {
    expect(outcome(id, { postscript_marker: "P.S." }, "See you soon!\n\nP.S. Bring an umbrella.")).toEqual(PASS);
    expect(outcome(id, { postscript_marker: "P.S." }, "See you soon!\n\np. s. bring an umbrella.")).toEqual(PASS);
    expect(outcome(id, { postscript_marker: "P.P.S" }, "Bye.\nP.S. one\nP.P.S two")).toEqual(PASS);
    expect(outcome(id, { postscript_marker: "P.S." }, "See you soon! PS bring an umbrella.")).toEqual(FAIL);
  });
  it("takes other markers literally", () => {
    expect(outcome(id, { postscript_marker: "Note:" }, "Done.\nNOTE: check twice.")).toEqual(PASS);
    expect(outcome(id, { postscript_marker: "Note:" }, "Done.\nNotes check twice.")).toEqual(FAIL);
  });
  it("loose removes markdown splitting the marker", () => {
    expect(outcome(id, { postscript_marker: "P.S." }, "Goodbye!\n\n**P.**S. Remember to hydrate.")).toEqual(LOOSE_ONLY);
  });
});
