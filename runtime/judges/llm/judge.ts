/**
 * `llm_judge`: fill the template, ask an OpenAI-compatible endpoint (cached, bounded, retried,
 * within a token budget) and decide by log-probabilities or by parsing the text.
 *
 * The API key is read from the environment variable the plan names, sent as a bearer token,
 * and scrubbed from every detail string we produce (a server may echo headers in an error body).
 */
import { Pool } from "../pool.js";
import type { JudgeFactoryContext } from "../plan-config.js";
import type { Judge, JudgeContext, Judgement, Sample } from "../types.js";
import { judgeError } from "../types.js";
import { cacheKey, ReplyCache } from "./cache.js";
import { CallError, callEndpoint } from "./client.js";
import type { EndpointReply } from "./client.js";
import { redactSecret } from "./redact.js";
import { compilePattern, parseLlmJudgeConfig, resolveEndpoint } from "./config.js";
import type { Endpoint, LlmJudgeConfig } from "./config.js";
import { decideByLogprobs, decideByParse } from "./decision.js";
import type { DecisionRule } from "./decision.js";
import { DEFAULT_RETRY, withRetries } from "./retry.js";
import type { RetryPolicy } from "./retry.js";
import { fillTemplate, templateSlots } from "./template.js";
import type { Template } from "./template.js";

export interface LlmJudgeStats {
  /** HTTP attempts sent (retries included). */
  readonly requests: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Tokens spent per the servers' `usage` (estimated when a reply carried none). */
  readonly tokensSpent: number;
  readonly budgetTokens: number | null;
}

export interface LlmJudge extends Judge {
  stats(): LlmJudgeStats;
}

/** Raised inside the judge to stop before a request; becomes an error verdict. */
class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(reason);
  }
}

export function createLlmJudge(name: string, rawConfig: unknown, context: JudgeFactoryContext): LlmJudge {
  const config = parseLlmJudgeConfig(name, rawConfig);
  const endpoint = resolveEndpoint(name, config, context.plan);
  return new LlmJudgeImpl(name, config, endpoint, context);
}

class LlmJudgeImpl implements LlmJudge {
  readonly variant = "llm_judge";
  private readonly template: Template;
  private readonly rule: DecisionRule;
  private readonly pattern: RegExp | null;
  private readonly cache: ReplyCache | null;
  private readonly pool: Pool;
  private readonly retry: RetryPolicy;
  private readonly inflight = new Map<string, Promise<EndpointReply>>();
  private counters = { requests: 0, cacheHits: 0, cacheMisses: 0, tokensSpent: 0 };

  constructor(
    readonly name: string,
    private readonly config: LlmJudgeConfig,
    private readonly endpoint: Endpoint,
    private readonly context: JudgeFactoryContext,
  ) {
    this.template = { text: config.template.text, slots: config.template.slots ?? templateSlots(config.template.text) };
    this.rule = { positive: config.positive, negative: config.negative, violatedWhen: config.violated_when };
    this.pattern = config.parse_pattern === null ? null : compilePattern(name, config.parse_pattern);
    const entries = context.llm?.cacheEntries ?? 10_000;
    this.cache = config.cache ? new ReplyCache(entries, context.cacheDir, `${name.replace(/[^\w.-]/g, "_")}.jsonl`) : null;
    this.pool = new Pool(config.concurrency);
    this.retry = {
      ...DEFAULT_RETRY,
      retries: config.retries,
      baseMs: context.llm?.retryBaseMs ?? DEFAULT_RETRY.baseMs,
      maxRetryAfterMs: context.llm?.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
    };
  }

  stats(): LlmJudgeStats {
    return { ...this.counters, budgetTokens: this.config.budget_tokens };
  }

  async evaluate(sample: Sample, context: JudgeContext): Promise<Judgement> {
    const filled = fillTemplate(this.template, sample);
    if (!filled.ok) {
      return judgeError("missing_slot", `template slot {${filled.missing}} has no value: not prompt, response or a data field of the sample`);
    }
    const key = cacheKey({
      baseUrl: this.endpoint.baseUrl,
      model: this.endpoint.model,
      api: this.config.api,
      maxTokens: this.config.max_tokens,
      logprobs: this.config.decision === "logprobs",
      templateText: this.template.text,
      values: filled.values,
    });
    try {
      const reply = await this.reply(key, filled.text, context.signal);
      return this.config.decision === "logprobs" ? decideByLogprobs(reply.top, this.rule) : decideByParse(reply.text, this.pattern, this.rule);
    } catch (error) {
      return this.errorVerdict(error);
    }
  }

  private reply(key: string, prompt: string, signal: AbortSignal | undefined): Promise<EndpointReply> {
    const cached = this.cache?.get(key);
    if (cached !== undefined) {
      this.counters.cacheHits += 1;
      return Promise.resolve(cached);
    }
    // Identical samples in one batch (K generations often repeat) share one request.
    const pending = this.inflight.get(key);
    if (pending !== undefined) {
      this.counters.cacheHits += 1;
      return pending;
    }
    this.counters.cacheMisses += 1;
    // Cache first, then leave the in-flight map: no window where a caller finds neither.
    const request = this.fetchReply(prompt, signal)
      .then((reply) => {
        this.cache?.set(key, reply);
        return reply;
      })
      .finally(() => this.inflight.delete(key));
    if (this.cache !== null) this.inflight.set(key, request);
    return request;
  }

  private async fetchReply(prompt: string, signal: AbortSignal | undefined): Promise<EndpointReply> {
    this.checkBudget();
    const apiKey = this.apiKey();
    return this.pool.run(async () => {
      const result = await withRetries(
        this.retry,
        () => {
          this.counters.requests += 1;
          return callEndpoint({
            endpoint: this.endpoint,
            api: this.config.api,
            apiKey,
            prompt,
            maxTokens: this.config.max_tokens,
            logprobs: this.config.decision === "logprobs",
            timeoutMs: this.config.timeout * 1000,
            ...(signal === undefined ? {} : { signal }),
          });
        },
        // Checked again before every attempt: the budget may run out while we queue or back off.
        { ...(signal === undefined ? {} : { signal }), beforeAttempt: () => this.beforeAttempt(signal) },
      );
      this.counters.tokensSpent += result.tokens ?? this.estimateTokens(prompt);
      return result.reply;
    });
  }

  /** A reply without `usage` still costs something: ~4 characters a token, plus the output cap. */
  private estimateTokens(prompt: string): number {
    return Math.ceil(prompt.length / 4) + this.config.max_tokens;
  }

  private beforeAttempt(signal: AbortSignal | undefined): void {
    // A batch cancelled while this call queued for a slot sends nothing.
    if (signal?.aborted === true) throw new CallError("aborted", "the batch was cancelled", false);
    this.checkBudget();
  }

  private checkBudget(): void {
    const budget = this.config.budget_tokens;
    if (budget !== null && this.counters.tokensSpent >= budget) {
      throw new Stop("budget_exhausted", `token budget spent: ${this.counters.tokensSpent} of ${budget} tokens`);
    }
  }

  private apiKey(): string | null {
    const variable = this.endpoint.apiKeyEnv;
    if (variable === null) return null;
    const value = this.context.env[variable];
    if (value === undefined || value === "") throw new Stop("api_key_missing", `environment variable ${variable} is not set`);
    return value;
  }

  private errorVerdict(error: unknown): Judgement {
    if (error instanceof Stop) return judgeError(error.reason, error.detail);
    if (error instanceof CallError) return judgeError(error.reason, this.redact(error.detail));
    return judgeError("llm_call_failed", this.redact(error instanceof Error ? error.message : String(error)));
  }

  /** Defence in depth: no piece of the key appears in a detail, whatever a server echoed back. */
  private redact(text: string): string {
    const variable = this.endpoint.apiKeyEnv;
    return redactSecret(text, variable === null ? undefined : this.context.env[variable]);
  }
}
