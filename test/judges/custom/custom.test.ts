import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createCustomJudge } from "../../../runtime/judges/custom/index.js";
import type { JudgeFactoryContext } from "../../../runtime/judges/plan-config.js";
import { createJudge } from "../../../runtime/judges/registry.js";
import type { Sample } from "../../../runtime/judges/types.js";

const here = dirname(fileURLToPath(import.meta.url));
const context: JudgeFactoryContext = { plan: { judges: {}, tasks: {} }, baseDir: here, env: {}, cacheDir: null };
const sample = (response: string, fields: Record<string, unknown> = {}): Sample => ({ prompt: "p", response, fields });

async function load(exportName: string, options: Record<string, unknown> = {}, module = "fixtures/length-judge.mjs", timeout?: number) {
  return createCustomJudge("mine", { variant: "custom", module, export: exportName, options, ...(timeout === undefined ? {} : { timeout }) }, context);
}

describe("custom judges", () => {
  it("runs an exported function with the recipe's options", async () => {
    const judge = await load("judge", { max_words: 2 });
    expect(judge.variant).toBe("custom");
    expect(await judge.evaluate(sample("two words"), {})).toEqual({ status: "satisfied", reason: "short_enough" });
    expect(await judge.evaluate(sample("three words here"), {})).toEqual({ status: "violated", reason: "too_long", detail: "3 words" });
  });

  it("runs an object's evaluate method with its own this", async () => {
    const judge = await load("asObject");
    expect((await judge.evaluate(sample("ok then"), {})).status).toBe("satisfied");
    expect((await judge.evaluate(sample("nope"), {})).reason).toBe("prefix_missing");
  });

  it("sees the sample's data fields", async () => {
    const judge = await load("usesFields");
    expect((await judge.evaluate(sample(" 42 ", { answer: "42" }), {})).status).toBe("satisfied");
  });

  it("turns a wrong return value into invalid_judgement naming what was wrong", async () => {
    expect(await (await load("badShape")).evaluate(sample("x"), {})).toMatchObject({ status: "error", reason: "invalid_judgement", detail: expect.stringContaining("status") });
    expect(await (await load("badReason")).evaluate(sample("x"), {})).toMatchObject({ reason: "invalid_judgement", detail: expect.stringContaining("snake_case") });
    expect(await (await load("notAnObject")).evaluate(sample("x"), {})).toMatchObject({ reason: "invalid_judgement", detail: expect.stringContaining("the return value") });
  });

  it("turns a thrown exception into judge_threw", async () => {
    expect(await (await load("throws")).evaluate(sample("x"), {})).toEqual({ status: "error", reason: "judge_threw", detail: "RangeError: user bug" });
  });

  it("gives a call that never settles error/timeout at its deadline and aborts its signal", async () => {
    const fixtureUrl = pathToFileURL(join(here, "fixtures/length-judge.mjs")).href; // the instance the judge loads
    const fixture = (await import(fixtureUrl)) as { abortsSeen: { count: number } };
    const judge = await load("neverSettles", {}, "fixtures/length-judge.mjs", 0.05);
    const before = fixture.abortsSeen.count;
    expect(await judge.evaluate(sample("x"), {})).toEqual({ status: "error", reason: "timeout", detail: "no verdict within 0.05 s" });
    expect(fixture.abortsSeen.count).toBe(before + 1);
    // A caller's abort (server shutdown) reaches the judge as well.
    const upstream = new AbortController();
    const pending = (await load("neverSettles", {}, "fixtures/length-judge.mjs", 0.2)).evaluate(sample("y"), { signal: upstream.signal });
    upstream.abort();
    expect(fixture.abortsSeen.count).toBe(before + 2);
    expect(await pending).toMatchObject({ reason: "timeout" });
  });

  it("refuses at load time an export that is not a judge, or a missing module", async () => {
    await expect(load("notAJudge")).rejects.toThrow(/no export "notAJudge"/);
    await expect(load("nothingHere")).rejects.toThrow(/no export "nothingHere"/);
    await expect(load("judge", {}, "fixtures/missing.mjs")).rejects.toThrow(/cannot load .*missing\.mjs/);
  });

  it("loads a TypeScript module (default export)", async () => {
    const judge = await load("default", {}, "fixtures/typed-judge.ts");
    expect((await judge.evaluate(sample("thank you"), {})).status).toBe("satisfied");
  });

  it("is reachable through the registry", async () => {
    const judge = await createJudge("mine", { variant: "custom", module: "fixtures/length-judge.mjs", export: "judge", options: {} }, context);
    expect((await judge.evaluate(sample("a"), {})).status).toBe("satisfied");
  });

  it("reports an unknown variant with the known ones", async () => {
    await expect(createJudge("x", { variant: "vibes" }, context)).rejects.toThrow(/unknown judge variant "vibes".*llm_judge/);
  });
});
