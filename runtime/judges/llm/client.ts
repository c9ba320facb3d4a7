/**
 * One call to an OpenAI-compatible endpoint (vLLM, TGI, llama.cpp, OpenAI): `/chat/completions`
 * or `/completions` at temperature 0, asking for the top 20 log-probabilities of each generated
 * token. Failures become a `CallError` that says whether a retry can help; the retry loop is in
 * retry.ts. The API key goes in the Authorization header and nowhere else.
 */
import { z } from "zod";
import type { Endpoint } from "./config.js";
import { redactedSnippet, redactSecret } from "./redact.js";

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
}

/** What the judge keeps of a reply (also what the cache stores). */
export interface EndpointReply {
  readonly text: string;
  /** The alternatives at the first generated token, or null when the server sent none. */
  readonly top: readonly TokenLogprob[] | null;
}

export interface CallResult {
  readonly reply: EndpointReply;
  /** Tokens the call cost per the server's `usage`, or null when it reported none. */
  readonly tokens: number | null;
}

export interface CallRequest {
  readonly endpoint: Endpoint;
  readonly api: "chat" | "completions";
  readonly apiKey: string | null;
  readonly prompt: string;
  readonly maxTokens: number;
  readonly logprobs: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type CallErrorReason =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "network_error"
  | "http_error"
  | "malformed_response"
  | "aborted";

export class CallError extends Error {
  constructor(
    readonly reason: CallErrorReason,
    readonly detail: string,
    readonly retryable: boolean,
    /** From a Retry-After header, when the server sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** Top-k size: OpenAI's maximum and vLLM's default `max_logprobs`. */
export const TOP_LOGPROBS = 20;

export async function callEndpoint(request: CallRequest): Promise<CallResult> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await fetch(endpointUrl(request), {
      method: "POST",
      headers: requestHeaders(request.apiKey),
      body: JSON.stringify(requestBody(request)),
      signal: controller.signal,
    });
    // Reading the body stays under the same timeout: a server that stalls mid-body is a timeout.
    const body = await response.text();
    if (!response.ok) throw statusError(response.status, response.headers.get("retry-after"), redactedSnippet(body, request.apiKey));
    return parseReply(request.api, body, request.apiKey);
  } catch (error) {
    throw classify(error, request);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
  }
}

function endpointUrl(request: CallRequest): string {
  return `${request.endpoint.baseUrl}/${request.api === "chat" ? "chat/completions" : "completions"}`;
}

function requestHeaders(apiKey: string | null): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

function requestBody(request: CallRequest): Record<string, unknown> {
  const common = { model: request.endpoint.model, max_tokens: request.maxTokens, temperature: 0, n: 1 };
  if (request.api === "chat") {
    const messages = [{ role: "user", content: request.prompt }];
    return request.logprobs ? { ...common, messages, logprobs: true, top_logprobs: TOP_LOGPROBS } : { ...common, messages };
  }
  return request.logprobs ? { ...common, prompt: request.prompt, logprobs: TOP_LOGPROBS } : { ...common, prompt: request.prompt };
}

/** `snippet`: the body already redacted and cut (redactedSnippet). */
function statusError(status: number, retryAfter: string | null, snippet: string): CallError {
  const detail = `HTTP ${status}: ${snippet}`;
  if (status === 429) return new CallError("rate_limited", detail, true, parseRetryAfter(retryAfter));
  if (status >= 500) return new CallError("server_error", detail, true, parseRetryAfter(retryAfter));
  // 408 is the server timing the request out: as transient as a 5xx.
  if (status === 408) return new CallError("timeout", detail, true);
  return new CallError("http_error", detail, false);
}

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function classify(error: unknown, request: CallRequest): CallError {
  if (error instanceof CallError) return error;
  if (request.signal?.aborted === true) return new CallError("aborted", "the batch was cancelled", false);
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return new CallError("timeout", `no complete reply within ${request.timeoutMs / 1000}s`, true);
  }
  // undici reports socket failures as TypeError("fetch failed") with the system error as cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : String(error);
  return new CallError("network_error", redactSecret(code, request.apiKey), true);
}

const TopEntry = z.object({ token: z.string(), logprob: z.number() });
const Usage = z.object({
  total_tokens: z.number().optional(),
  prompt_tokens: z.number().optional(),
  completion_tokens: z.number().optional(),
});

const ChatReply = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }),
        logprobs: z.object({ content: z.array(z.object({ top_logprobs: z.array(TopEntry) })).nullable().optional() }).nullable().optional(),
      }),
    )
    .min(1),
  usage: Usage.nullable().optional(),
});

const CompletionReply = z.object({
  choices: z
    .array(
      z.object({
        text: z.string(),
        logprobs: z.object({ top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable().optional() }).nullable().optional(),
      }),
    )
    .min(1),
  usage: Usage.nullable().optional(),
});

export function parseReply(api: "chat" | "completions", body: string, apiKey: string | null = null): CallResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CallError("malformed_response", `body is not JSON: ${redactedSnippet(body, apiKey)}`, false);
  }
  return api === "chat" ? parseChat(json) : parseCompletion(json);
}

function parseChat(json: unknown): CallResult {
  const parsed = ChatReply.safeParse(json);
  if (!parsed.success) throw malformed(parsed.error);
  const choice = parsed.data.choices[0]!;
  const first = choice.logprobs?.content?.[0];
  const top = first === undefined ? null : first.top_logprobs.map(({ token, logprob }) => ({ token, logprob }));
  return { reply: { text: choice.message.content ?? "", top }, tokens: usageTokens(parsed.data.usage) };
}

function parseCompletion(json: unknown): CallResult {
  const parsed = CompletionReply.safeParse(json);
  if (!parsed.success) throw malformed(parsed.error);
  const choice = parsed.data.choices[0]!;
  const first = choice.logprobs?.top_logprobs?.[0];
  const top = first === undefined || first === null ? null : Object.entries(first).map(([token, logprob]) => ({ token, logprob }));
  return { reply: { text: choice.text, top }, tokens: usageTokens(parsed.data.usage) };
}

function usageTokens(usage: z.infer<typeof Usage> | null | undefined): number | null {
  if (usage === null || usage === undefined) return null;
  if (usage.total_tokens !== undefined) return usage.total_tokens;
  if (usage.prompt_tokens === undefined && usage.completion_tokens === undefined) return null;
  return (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0);
}

function malformed(error: z.ZodError): CallError {
  const issue = error.issues[0];
  const path = issue === undefined ? "" : issue.path.map(String).join(".");
  return new CallError("malformed_response", `unexpected reply shape at ${path === "" ? "(root)" : path}: ${issue?.message ?? ""}`, false);
}
