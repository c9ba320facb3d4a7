import { describe, expect, it } from "vitest";
import { countBullets, countHighlights } from "../../../runtime/judges/instructions/format.js";
import { FAIL, LOOSE_ONLY, PASS, outcome } from "./helpers.js";

describe("detectable_format:number_bullet_lists", () => {
  const id = "detectable_format:number_bullet_lists";
  const text = "Benefits of tea:\n\n* It is warm.\n* It has antioxidants.\n- It is cheap.\n\n**Bold** is not a bullet.";
  it("counts * and - bullet lines, not bold text", () => {
    expect(countBullets(text)).toBe(3);
    expect(outcome(id, { num_bullets: 3 }, text)).toEqual(PASS);
    expect(outcome(id, { num_bullets: 2 }, text)).toEqual(FAIL);
  });
  it("counts indented bullets and IFEval's quirks (a `---` rule is a dash bullet)", () => {
    expect(countBullets("  * nested\n\t- tabbed\n---")).toBe(3);
  });
  it("loose drops a trailing line that looks like a bullet", () => {
    expect(outcome(id, { num_bullets: 2 }, "* Point one\n* Point two\n- Let me know if you need more.")).toEqual(LOOSE_ONLY);
  });
});

describe("detectable_format:constrained_response", () => {
  const id = "detectable_format:constrained_response";
  it("accepts one of the three fixed answers anywhere", () => {
    expect(outcome(id, {}, "My answer is yes.")).toEqual(PASS);
    expect(outcome(id, {}, "After thinking it over: My answer is maybe.")).toEqual(PASS);
    expect(outcome(id, {}, "My answer is probably.")).toEqual(FAIL);
  });
  it("loose removes emphasis inside the answer", () => {
    expect(outcome(id, {}, "My answer is **yes**.")).toEqual(LOOSE_ONLY);
  });
});

describe("detectable_format:number_highlighted_sections", () => {
  const id = "detectable_format:number_highlighted_sections";
  const text = "*Introduction*\n\nSome text with **key idea** and *another point*.\n\n* not a highlight\n**  **";
  it("counts *x* and **x** spans with content", () => {
    expect(countHighlights(text)).toBe(3);
    expect(outcome(id, { num_highlights: 3 }, text)).toEqual(PASS);
    expect(outcome(id, { num_highlights: 4 }, text)).toEqual(FAIL);
  });
  it("loose cannot add highlights (it removes asterisks)", () => {
    expect(outcome(id, { num_highlights: 2 }, "Intro:\n*one* only")).toEqual(FAIL);
  });
});

describe("detectable_format:multiple_sections", () => {
  const id = "detectable_format:multiple_sections";
  const text = "SECTION 1\nIntroduction to gardening.\n\nSECTION 2\nTools you need.\n\nSECTION 3\nPlanting.";
  it("counts splitter + number markers, case-sensitively", () => {
    expect(outcome(id, { section_spliter: "SECTION", num_sections: 3 }, text)).toEqual(PASS);
    expect(outcome(id, { section_spliter: "SECTION", num_sections: 4 }, text)).toEqual(FAIL);
    expect(outcome(id, { section_spliter: "Section", num_sections: 1 }, text)).toEqual(FAIL);
  });
  it("loose removes markdown between the splitter and its number", () => {
    const reply = "**SECTION** 1\nIntro.\n**SECTION** 2\nBody.";
    expect(outcome(id, { section_spliter: "SECTION", num_sections: 2 }, reply)).toEqual(LOOSE_ONLY);
  });
});

describe("detectable_format:json_format", () => {
  const id = "detectable_format:json_format";
  it("accepts bare JSON and JSON in a code fence", () => {
    expect(outcome(id, {}, '{"name": "Alice", "age": 30}')).toEqual(PASS);
    expect(outcome(id, {}, '```json\n{\n  "name": "Alice",\n  "tags": ["a", "b"]\n}\n```')).toEqual(PASS);
    expect(outcome(id, {}, "```\n[1, 2, 3]\n```")).toEqual(PASS);
    expect(outcome(id, {}, '{"score": NaN, "max": Infinity}')).toEqual(PASS);
  });
  it("rejects invalid JSON and text around it", () => {
    expect(outcome(id, {}, "{'name': 'Alice'}")).toEqual(FAIL);
    expect(outcome(id, {}, '{"a": 1} Hope this helps!')).toEqual(FAIL);
    expect(outcome(id, {}, '{"a": 1}\nHope this helps!')).toEqual(LOOSE_ONLY);
    expect(outcome(id, {}, '{"a": -NaN}')).toEqual(FAIL);
  });
  it("loose drops an introduction before the fence", () => {
    expect(outcome(id, {}, 'Here is the JSON you asked for:\n```json\n{"ok": true}\n```')).toEqual(LOOSE_ONLY);
  });
});

describe("detectable_format:title", () => {
  const id = "detectable_format:title";
  it("finds a non-empty <<title>>", () => {
    expect(outcome(id, {}, "<<Ode to the Sea>>\n\nWaves roll in.")).toEqual(PASS);
    expect(outcome(id, {}, "Poem:\n<<   >>\nnothing")).toEqual(FAIL);
    expect(outcome(id, {}, "<<a title\nthat breaks>>")).toEqual(FAIL);
    expect(outcome(id, {}, "No title here.")).toEqual(FAIL);
  });
  it("loose cannot create a title", () => {
    expect(outcome(id, {}, "Title: *The Sea*\nWaves.")).toEqual(FAIL);
  });
});
