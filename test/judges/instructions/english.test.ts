/**
 * The English detector on short text (the `en` side of language:response_language and of
 * change_case:english_*): false rejection at most 2% on English texts of 20 characters or more
 * (test/fixtures/judges/instructions/english-short.txt), as written, lowercased and in capitals.
 * Figures on larger corpora come from `npx tsx bench/langid.ts`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInLanguage } from "../../../runtime/judges/instructions/text/langid.js";
import { outcome, PASS, FAIL } from "./helpers.js";

const texts = readFileSync(new URL("../../fixtures/judges/instructions/english-short.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.length >= 20 && !line.startsWith("#"));

describe("English on short text", () => {
  it.each([
    ["as written", (t: string) => t],
    ["lowercased", (t: string) => t.toLowerCase()],
    ["in capitals", (t: string) => t.toUpperCase()],
  ])("rejects at most 2%% of %s", (_label, variant) => {
    expect(texts.length).toBeGreaterThanOrEqual(150);
    const rejected = texts.map(variant).filter((t) => !isInLanguage(t, "en"));
    expect(rejected.length / texts.length, rejected.join("\n")).toBeLessThanOrEqual(0.02);
  });

  it("accepts a lowercase haiku (once called Dutch)", () => {
    expect(isInLanguage("an old silent pond, a frog jumps into the pond, splash! silence again", "en")).toBe(true);
  });

  it("judges a long text by its start, middle and end, not by an English preamble", () => {
    const german = "Das Wetter ist heute schön, und wir wollen nach dem Mittagessen am Fluss spazieren gehen. ".repeat(6);
    expect(isInLanguage(`Sure, here is the text you asked for, written for you in German:\n${german}`, "en")).toBe(false);
    const english = "The weather is lovely today, and we plan to walk along the river after lunch. ".repeat(6);
    expect(isInLanguage(`Voici la réponse.\n${english}`, "en")).toBe(true);
  });

  it("still rejects other languages as English", () => {
    for (const text of [
      "Das Wetter ist heute schön, und wir wollen spazieren gehen.",
      "Het weer is vandaag mooi en we gaan wandelen langs de rivier.",
      "Le temps est agréable aujourd'hui et nous allons marcher.",
      "El clima de hoy es agradable y planeamos caminar por el río.",
      "Dzisiaj jest piękna pogoda i po obiedzie planujemy spacer.",
    ]) {
      expect(isInLanguage(text, "en"), text).toBe(false);
    }
    expect(outcome("change_case:english_lowercase", {}, "het weer is vandaag mooi en we gaan wandelen")).toEqual(FAIL);
    expect(outcome("change_case:english_lowercase", {}, "the weather is lovely and we are going for a walk")).toEqual(PASS);
  });
});
