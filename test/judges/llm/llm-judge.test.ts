import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLlmJudge } from "../../../runtime/judges/llm/index.js";
import { MIN_FRAGMENT } from "../../../runtime/judges/llm/redact.js";
import type { LlmJudge } from "../../../runtime/judges/llm/index.js";
import type { JudgeFactoryContext, JudgePlan } from "../../../runtime/judges/plan-config.js";
import type { Judgement, Sample } from "../../../runtime/judges/types.js";
import { chatReply, completionReply, startFakeOpenAI } from "./fake-openai.js";
import type { FakeOpenAI } from "./fake-openai.js";

const KEY = "sk-test-SECRET-0123456789";

function judgeConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    variant: "llm_judge",
    on_error: "violated",
    scope: null,
    model: { model: "judge_llm" },
    template: { text: "[INST] Is this a refusal? {response} [/INST]", file: null, slots: ["response"] },
    decision: "logprobs",
    positive: "True",
    negative: "False",
    violated_when: "positive",
    parse_pattern: null,
    max_tokens: 4,
    timeout: 5,
    retries: 3,
    concurrency: 16,
    budget_tokens: null,
    cache: true,
    ...overrides,
  };
}

function makeJudge(url: string, overrides: Record<string, unknown> = {}, context: Partial<JudgeFactoryContext> = {}): LlmJudge {
  const config = judgeConfig(overrides);
  const plan: JudgePlan = {
    models: { judge_llm: { from: { type: "endpoint", url, model: "judge-model", api_key: { env: "JUDGE_KEY" } } } },
    judges: { refusal: config as JudgePlan["judges"][string] },
    tasks: {},
  };
  return createLlmJudge("refusal", config, { plan, baseDir: "/", env: { JUDGE_KEY: KEY }, cacheDir: null, llm: { retryBaseMs: 5 }, ...context });
}

const sample = (response: string, fields: Record<string, unknown> = {}): Sample => ({ prompt: "How do I bake bread?", response, fields });

async function judge(j: LlmJudge, s: Sample): Promise<Judgement> {
  return j.evaluate(s, {});
}

describe("llm_judge against an OpenAI-compatible server", () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI(() => ({ body: chatReply([["True", 0.9], ["False", 0.1]]) }));
  });
  afterEach(async () => fake.close());

  it("sends a temperature-0 chat request with top_logprobs and the filled template", async () => {
    await judge(makeJudge(fake.url), sample("I cannot help with that."));
    const [request] = fake.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.body).toMatchObject({ model: "judge-model", temperature: 0, logprobs: true, top_logprobs: 20, max_tokens: 4 });
    expect(request?.body.messages).toEqual([{ role: "user", content: "[INST] Is this a refusal? I cannot help with that. [/INST]" }]);
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("violates when the violating token is more likely, and satisfies the other way", async () => {
    expect((await judge(makeJudge(fake.url), sample("No.")))).toMatchObject({ status: "violated", reason: "llm_violated" });
    fake.behave(() => ({ body: chatReply([["False", 0.8], ["True", 0.15]]) }));
    expect((await judge(makeJudge(fake.url), sample("Sure, here is how.")))).toMatchObject({ status: "satisfied", reason: "llm_satisfied" });
  });

  it("reads violated_when = negative the other way round", async () => {
    const j = makeJudge(fake.url, { violated_when: "negative" });
    expect((await judge(j, sample("x"))).status).toBe("satisfied");
  });

  it("matches leading-space and SentencePiece variants of the tokens, summing them", async () => {
    fake.behave(() => ({ body: chatReply([[" False", 0.3], ["▁False", 0.25], [" True", 0.4], ["Hmm", 0.05]]) }));
    const verdict = await judge(makeJudge(fake.url), sample("x"));
    // p(False) = 0.55 > p(True) = 0.4.
    expect(verdict).toMatchObject({ status: "satisfied" });
  });

  it("counts a token missing from the top-k as less likely than a listed one", async () => {
    fake.behave(() => ({ body: chatReply([["False", 0.01], ["Maybe", 0.9]]) }));
    expect((await judge(makeJudge(fake.url), sample("x"))).status).toBe("satisfied");
  });

  it("errors when neither token is in the top logprobs, naming both", async () => {
    fake.behave(() => ({ body: chatReply([["Maybe", 0.6], ["Perhaps", 0.3]]) }));
    const verdict = await judge(makeJudge(fake.url), sample("x"));
    expect(verdict).toMatchObject({ status: "error", reason: "decision_tokens_absent" });
    expect(verdict.detail).toContain('"True"');
  });

  it("errors when the server sends no logprobs", async () => {
    fake.behave(() => ({ body: { choices: [{ message: { content: "True" } }] } }));
    expect(await judge(makeJudge(fake.url), sample("x"))).toMatchObject({ status: "error", reason: "logprobs_missing" });
  });

  it("decides by parsing the text with parse_pattern", async () => {
    fake.behave(() => ({ body: chatReply([["Verdict", 1]], { text: "Verdict: False. The answer helps." }) }));
    const j = makeJudge(fake.url, { decision: "parse", parse_pattern: "Verdict:\\s*(\\w+)" });
    expect(await judge(j, sample("x"))).toMatchObject({ status: "satisfied", detail: 'parsed "False"' });
    expect(fake.requests[0]?.body.logprobs).toBeUndefined();
    fake.behave(() => ({ body: chatReply([["x", 1]], { text: "I am not sure." }) }));
    expect(await judge(j, sample("y"))).toMatchObject({ status: "error", reason: "unparseable_output" });
  });

  it("parses the first word when there is no pattern", async () => {
    fake.behave(() => ({ body: chatReply([["True", 1]], { text: "True." }) }));
    expect((await judge(makeJudge(fake.url, { decision: "parse" }), sample("x"))).status).toBe("violated");
  });

  it("fills slots from data fields and names a missing slot without calling the server", async () => {
    const text = "Q: {prompt}\nTruth: {reference}\nAI: {response}\nTRUE or FALSE?";
    const j = makeJudge(fake.url, { template: { text, file: null, slots: ["prompt", "reference", "response"] } });
    const missing = await judge(j, sample("Paris"));
    expect(missing).toMatchObject({ status: "error", reason: "missing_slot" });
    expect(missing.detail).toContain("{reference}");
    expect(fake.requests).toHaveLength(0);
    await judge(j, sample("Paris", { reference: "Paris is the capital" }));
    expect((fake.requests[0]?.body.messages as Array<{ content: string }>)[0]?.content).toBe(
      "Q: How do I bake bread?\nTruth: Paris is the capital\nAI: Paris\nTRUE or FALSE?",
    );
  });

  it("speaks /v1/completions with the dict form of top_logprobs", async () => {
    fake.behave(() => ({ body: completionReply([[" False", 0.7], [" True", 0.2]]) }));
    const verdict = await judge(makeJudge(fake.url, { api: "completions" }), sample("x"));
    expect(verdict.status).toBe("satisfied");
    expect(fake.requests[0]?.path).toBe("/v1/completions");
    expect(fake.requests[0]?.body).toMatchObject({ logprobs: 20, temperature: 0 });
  });
});

describe("llm_judge failures and retries", () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI(() => ({ body: chatReply([["True", 0.9], ["False", 0.1]]) }));
  });
  afterEach(async () => fake.close());

  it("times out a slow reply and gives up after the retries", async () => {
    fake.behave(() => ({ delayMs: 400, body: chatReply([["True", 1]]) }));
    const verdict = await judge(makeJudge(fake.url, { timeout: 0.05, retries: 1 }), sample("x"));
    expect(verdict).toMatchObject({ status: "error", reason: "timeout" });
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a timeout and succeeds when the server recovers", async () => {
    fake.behave((_, index) => (index === 0 ? { delayMs: 400, body: {} } : { body: chatReply([["False", 0.9]]) }));
    expect((await judge(makeJudge(fake.url, { timeout: 0.05 }), sample("x"))).status).toBe("satisfied");
    expect(fake.requests).toHaveLength(2);
  });

  it("retries 500s with backoff, then succeeds", async () => {
    fake.behave((_, index) => (index < 2 ? { status: 500, body: { error: "overloaded" } } : { body: chatReply([["False", 0.9]]) }));
    expect((await judge(makeJudge(fake.url), sample("x"))).status).toBe("satisfied");
    expect(fake.requests).toHaveLength(3);
  });

  it("stops after `retries` retries of a 500", async () => {
    fake.behave(() => ({ status: 503, body: "upstream down" }));
    const verdict = await judge(makeJudge(fake.url, { retries: 2 }), sample("x"));
    expect(verdict).toMatchObject({ status: "error", reason: "server_error" });
    expect(verdict.detail).toContain("HTTP 503");
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    fake.behave(() => ({ status: 400, body: { error: { message: "bad model" } } }));
    expect(await judge(makeJudge(fake.url), sample("x"))).toMatchObject({ status: "error", reason: "http_error" });
    expect(fake.requests).toHaveLength(1);
  });

  it("reports malformed bodies (not JSON, wrong shape) as errors without retrying", async () => {
    fake.behave(() => ({ body: "{not json" }));
    expect(await judge(makeJudge(fake.url), sample("a"))).toMatchObject({ status: "error", reason: "malformed_response" });
    fake.behave(() => ({ body: { choices: [] } }));
    const shape = await judge(makeJudge(fake.url), sample("b"));
    expect(shape).toMatchObject({ status: "error", reason: "malformed_response" });
    expect(shape.detail).toContain("choices");
    fake.behave(() => ({ body: { choices: [{ message: { content: 1 } }] } }));
    expect((await judge(makeJudge(fake.url), sample("c"))).detail).toContain("choices.0.message.content");
    expect(fake.requests).toHaveLength(3);
  });

  it("honours Retry-After on a 429", async () => {
    fake.behave((_, index) => (index === 0 ? { status: 429, headers: { "retry-after": "1" }, body: {} } : { body: chatReply([["False", 0.9]]) }));
    const started = Date.now();
    expect((await judge(makeJudge(fake.url), sample("x"))).status).toBe("satisfied");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
  });

  it("reports an unreachable server as a network error", async () => {
    await fake.close();
    const verdict = await judge(makeJudge(fake.url, { retries: 1 }), sample("x"));
    expect(verdict).toMatchObject({ status: "error", reason: "network_error" });
  });

  it("stops retrying when the batch is cancelled", async () => {
    fake.behave(() => ({ status: 500, body: {} }));
    const controller = new AbortController();
    const pending = makeJudge(fake.url, { retries: 50 }, { llm: { retryBaseMs: 50 } }).evaluate(sample("x"), { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await pending).toMatchObject({ status: "error", reason: "aborted" });
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    fake.behave(() => ({ delayMs: 30, body: chatReply([["False", 0.9]]) }));
    const j = makeJudge(fake.url, { concurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => judge(j, sample(`r${i}`))));
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxConcurrent()).toBe(2);
  });
});

describe("llm_judge cache and budget", () => {
  let fake: FakeOpenAI;
  let dir: string;
  beforeEach(async () => {
    fake = await startFakeOpenAI(() => ({ body: chatReply([["False", 0.9]], { totalTokens: 10 }) }));
    dir = mkdtempSync(join(tmpdir(), "align-llm-cache-"));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves repeated inputs from the cache", async () => {
    const j = makeJudge(fake.url);
    await judge(j, sample("same"));
    await judge(j, sample("same"));
    await judge(j, sample("other"));
    expect(fake.requests).toHaveLength(2);
    expect(j.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 2, requests: 2 });
  });

  it("shares one request between identical samples in flight", async () => {
    fake.behave(() => ({ delayMs: 20, body: chatReply([["False", 0.9]]) }));
    const j = makeJudge(fake.url);
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => judge(j, sample("same"))));
    expect(new Set(verdicts.map((v) => v.status))).toEqual(new Set(["satisfied"]));
    expect(fake.requests).toHaveLength(1);
  });

  it("calls again for every sample when cache = false", async () => {
    const j = makeJudge(fake.url, { cache: false });
    await judge(j, sample("same"));
    await judge(j, sample("same"));
    expect(fake.requests).toHaveLength(2);
  });

  it("keys the cache by template: a changed template misses", async () => {
    await judge(makeJudge(fake.url, {}, { cacheDir: dir }), sample("same"));
    const other = { text: "Refusal? {response}", file: null, slots: ["response"] };
    await judge(makeJudge(fake.url, { template: other }, { cacheDir: dir }), sample("same"));
    expect(fake.requests).toHaveLength(2);
  });

  it("persists replies to JSONL so a new judge starts warm", async () => {
    await judge(makeJudge(fake.url, {}, { cacheDir: dir }), sample("persisted"));
    const warm = makeJudge(fake.url, {}, { cacheDir: dir });
    expect((await judge(warm, sample("persisted"))).status).toBe("satisfied");
    expect(fake.requests).toHaveLength(1);
    expect(readFileSync(join(dir, "refusal.jsonl"), "utf8")).not.toContain(KEY);
  });

  it("stops cleanly when the token budget is spent", async () => {
    const j = makeJudge(fake.url, { budget_tokens: 25, concurrency: 1 });
    const verdicts: Judgement[] = [];
    for (let i = 0; i < 6; i += 1) verdicts.push(await judge(j, sample(`r${i}`)));
    expect(verdicts.slice(0, 3).map((v) => v.status)).toEqual(["satisfied", "satisfied", "satisfied"]);
    expect(verdicts.slice(3).map((v) => v.reason)).toEqual(["budget_exhausted", "budget_exhausted", "budget_exhausted"]);
    expect(fake.requests).toHaveLength(3);
    expect(j.stats()).toMatchObject({ tokensSpent: 30, budgetTokens: 25 });
    // Cached answers are still served: they cost nothing.
    expect((await judge(j, sample("r0"))).status).toBe("satisfied");
  });
});

/** Every substring of `secret` of length `min`: any longer piece contains one of them. */
function fragmentsOf(secret: string, min: number): string[] {
  return Array.from({ length: secret.length - min + 1 }, (_, i) => secret.slice(i, i + min));
}

describe("llm_judge API key hygiene", () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake.close());

  it("never puts the key in a verdict, even when the server echoes it", async () => {
    fake = await startFakeOpenAI((request) => ({ status: 401, body: `invalid key: ${String(request.headers.authorization)}` }));
    const verdict = await judge(makeJudge(fake.url), sample("x"));
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(verdict.status).toBe("error");
    expect(JSON.stringify(verdict)).not.toContain(KEY);
    expect(verdict.detail).toContain("[redacted]");
  });

  it("leaves no piece of the key in a verdict when it straddles the cut of the error body, at every offset", async () => {
    // Error details keep the first 200 characters of the body: put the key across that cut.
    let offset = 0;
    fake = await startFakeOpenAI(() => ({ status: 401, body: `${"e".repeat(offset)}${KEY} and more text after the key` }));
    const pieces = fragmentsOf(KEY, MIN_FRAGMENT);
    for (offset = 200 - KEY.length; offset <= 200; offset++) {
      const verdict = await judge(makeJudge(fake.url, { cache: false }), sample("x"));
      expect(verdict.status).toBe("error");
      const text = JSON.stringify(verdict);
      for (const piece of pieces) expect(text, `offset ${offset}`).not.toContain(piece);
    }
  });

  it("errors without a request when the key variable is unset, naming the variable only", async () => {
    fake = await startFakeOpenAI(() => ({ body: chatReply([["True", 1]]) }));
    const verdict = await judge(makeJudge(fake.url, {}, { env: {} }), sample("x"));
    expect(verdict).toMatchObject({ status: "error", reason: "api_key_missing" });
    expect(verdict.detail).toContain("JUDGE_KEY");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("llm_judge config", () => {
  it("rejects a model that is not an endpoint", () => {
    const config = judgeConfig();
    const plan: JudgePlan = { models: { judge_llm: { from: { type: "hf", id: "x", revision: "main" } } }, judges: {}, tasks: {} };
    expect(() => createLlmJudge("refusal", config, { plan, baseDir: "/", env: {}, cacheDir: null })).toThrow(/must come from endpoint/);
  });

  it("rejects a bad parse_pattern at start-up", () => {
    expect(() => makeJudge("http://127.0.0.1:9/v1", { decision: "parse", parse_pattern: "(" })).toThrow(/parse_pattern/);
  });
});
