import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JudgePlan } from "../../runtime/judges/plan-config.js";
import type { Judge } from "../../runtime/judges/types.js";
import { satisfied, violated } from "../../runtime/judges/types.js";
import { startJudgeServer } from "../../runtime/server/index.js";
import type { JudgeServer } from "../../runtime/server/index.js";
import { chatReply, startFakeOpenAI } from "../judges/llm/fake-openai.js";
import type { FakeOpenAI } from "../judges/llm/fake-openai.js";
import { batch, fixtures, postChunked, postJson, testPlan } from "./helpers.js";
import { parseExposition, sampleValue } from "./prometheus.js";

describe("judge server: the contract", () => {
  let server: JudgeServer;
  beforeAll(async () => {
    server = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => server.close());

  it("binds loopback and answers /healthz", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("judges a batch: per-sample verdicts, feasibility, skip, timings, ids echoed", async () => {
    const body = {
      task: "reasoning",
      samples: [
        { id: "s1", prompt: "2+2?", response: "It is 4", fields: { answer: "4" }, source: "math" },
        { id: "s2", prompt: "2+2?", response: "It is 5", fields: { answer: "4" }, source: "math" },
        { id: 3, prompt: "write f", response: "def f(): pass", fields: {}, source: "apps" },
      ],
    };
    const reply = await postJson(server.url, body);
    expect(reply.status).toBe(200);
    expect(reply.json.task).toBe("reasoning");
    expect(typeof reply.json.timings.total_ms).toBe("number");
    const [s1, s2, s3] = reply.json.results;
    expect(s1).toMatchObject({ id: "s1", feasible: true, skip: false });
    expect(Object.keys(s1.verdicts)).toEqual(["slow", "answer"]);
    expect(Object.keys(s1.verdicts.answer).sort()).toEqual(["latency_ms", "reason", "status"]);
    expect(s1.verdicts.answer).toMatchObject({ status: "satisfied", reason: "answer_match" });
    expect(s2).toMatchObject({ id: "s2", feasible: false, verdicts: { answer: { status: "violated", reason: "answer_mismatch" } } });
    // `answer` is scoped to math: an apps sample skips it and stays feasible.
    expect(s3).toMatchObject({ id: 3, feasible: true, verdicts: { answer: { status: "skipped", reason: "out_of_scope" } } });
  });

  it("applies on_error = skip_sample to a judge that throws", async () => {
    const reply = await postJson(server.url, { task: "chat", samples: [{ id: "a", prompt: "hi", response: "hello", fields: {}, source: "chat" }] });
    expect(reply.json.results[0]).toMatchObject({ feasible: false, skip: true, verdicts: { throws: { status: "error", reason: "judge_threw" } } });
  });

  it("accepts an empty batch and absent optional fields", async () => {
    expect((await postJson(server.url, { task: "reasoning", samples: [] })).json.results).toEqual([]);
    const reply = await postJson(server.url, { task: "chat", samples: [{ id: "a", prompt: "hi", response: "hello" }] });
    expect(reply.status).toBe(200);
  });

  it.each([
    ["{not json", /^body: invalid JSON/],
    ['["an array"]', /^body: expected an object, got an array$/],
    [{ samples: [] }, /^task: expected a string, got nothing \(the field is missing\)$/],
    [{ task: "reasoning", samples: {} }, /^samples: expected an array, got an object$/],
    [{ task: "reasoning", samples: [{ id: "a", prompt: "p", response: "r" }, { id: "b", prompt: "p", response: 7 }] }, /^samples\[1\]\.response: expected a string, got a number$/],
    [{ task: "reasoning", samples: [{ id: null, prompt: "p", response: "r" }] }, /^samples\[0\]\.id: expected a string or a number, got null$/],
    [{ task: "reasoning", samples: [{ id: "a", prompt: "p", response: "r", fields: [1] }] }, /^samples\[0\]\.fields: expected an object, got an array$/],
    [{ task: "", samples: [] }, /^task: must not be empty$/],
  ])("answers 400 with the JSON path for %j", async (body, message) => {
    const reply = await postJson(server.url, body);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("bad_request");
    expect(reply.json.error.message).toMatch(message);
  });

  it("refuses a batch over maxBatchSamples with 400", async () => {
    const small = await startJudgeServer(testPlan(), { port: 0, baseDir: fixtures, maxBatchSamples: 2 });
    try {
      const reply = await postJson(small.url, batch(["a", "b", "c"]));
      expect(reply.status).toBe(400);
      expect(reply.json.error.message).toBe("samples: at most 2 samples per batch");
    } finally {
      await small.close();
    }
  });

  it("answers 404 for an unknown task, naming the known ones", async () => {
    const reply = await postJson(server.url, { task: "nope", samples: [] });
    expect(reply.status).toBe(404);
    expect(reply.json.error.message).toContain("reasoning");
  });

  it("answers 404 for an unknown route and 405 for a wrong method", async () => {
    expect((await fetch(`${server.url}/v2/judge`)).status).toBe(404);
    const wrong = await fetch(`${server.url}/v1/judge`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });

  it("refuses an oversized body with 413, declared or chunked, and keeps serving", async () => {
    const big = batch(Array.from({ length: 2000 }, (_, i) => `id-${i}`));
    const reply = await postJson(server.url, big);
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("payload_too_large");
    expect(await postChunked(server.url, 256 * 1024)).toBe(413);
    expect((await postJson(server.url, batch(["after"]))).status).toBe(200);
  });
});

describe("judge server: metrics", () => {
  const KEY = "sk-metrics-SECRET-42";
  let fake: FakeOpenAI;
  let server: JudgeServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI(() => ({ body: chatReply([["False", 0.9], ["True", 0.1]], { totalTokens: 12 }) }));
    const plan: JudgePlan = {
      models: { judge_llm: { from: { type: "endpoint", url: fake.url, model: "m", api_key: { env: "JUDGE_KEY" } } } },
      judges: {
        refusal: {
          variant: "llm_judge", on_error: "violated", scope: null, model: { model: "judge_llm" },
          template: { text: "Refusal? {response}", file: null, slots: ["response"] },
          decision: "logprobs", positive: "True", negative: "False", violated_when: "positive", parse_pattern: null,
          max_tokens: 1, timeout: 5, retries: 0, concurrency: 4, budget_tokens: 1000, cache: true,
        },
        tests: { variant: "code_tests", on_error: "violated", scope: null },
      },
      tasks: { chat: { prompts: [], judges: [{ judge: "refusal" }] }, code: { prompts: [], judges: [{ judge: "tests" }] } },
    };
    // A stand-in code judge that reports a sandbox kill; the real one lives in runtime/judges/code_tests.
    const tests: Judge = { name: "tests", variant: "code_tests", evaluate: (s) => (s.response === "loop" ? violated("timeout") : satisfied("tests_passed")) };
    const { createJudges } = await import("../../runtime/judges/registry.js");
    const judges = await createJudges(plan, { plan, baseDir: fixtures, env: { JUDGE_KEY: KEY }, cacheDir: null }, ["refusal"]);
    judges.set("tests", tests);
    server = await startJudgeServer(plan, { port: 0, judges });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it("exposes requests, verdicts, latency, sandbox kills, LLM cache and budget as valid exposition", async () => {
    const chat = { task: "chat", samples: [{ id: "a", prompt: "p", response: "same" }, { id: "b", prompt: "p", response: "same" }, { id: "c", prompt: "p", response: "other" }] };
    expect((await postJson(server.url, chat)).status).toBe(200);
    await postJson(server.url, { task: "code", samples: [{ id: "x", prompt: "p", response: "loop" }, { id: "y", prompt: "p", response: "ok" }] });
    await postJson(server.url, { task: "chat" });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const metrics = parseExposition(text);
    expect(sampleValue(metrics, "align_judge_http_requests_total", { route: "/v1/judge", code: "200" })).toBe(2);
    expect(sampleValue(metrics, "align_judge_http_requests_total", { route: "/v1/judge", code: "400" })).toBe(1);
    expect(sampleValue(metrics, "align_judge_verdicts_total", { judge: "refusal", status: "satisfied" })).toBe(3);
    expect(sampleValue(metrics, "align_judge_latency_seconds_count", { judge: "refusal" })).toBe(3);
    expect(sampleValue(metrics, "align_judge_sandbox_kills_total", { judge: "tests", reason: "timeout" })).toBe(1);
    expect(sampleValue(metrics, "align_llm_cache_misses_total", { judge: "refusal" })).toBe(2);
    expect(sampleValue(metrics, "align_llm_cache_hits_total", { judge: "refusal" })).toBe(1);
    expect(sampleValue(metrics, "align_llm_budget_tokens_spent_total", { judge: "refusal" })).toBe(24);
    expect(sampleValue(metrics, "align_llm_budget_tokens", { judge: "refusal" })).toBe(1000);
    expect(metrics.types.get("align_judge_latency_seconds")).toBe("histogram");
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(text).not.toContain(KEY);
  });
});
