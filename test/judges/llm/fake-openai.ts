/**
 * A fake OpenAI-compatible server on 127.0.0.1 for the LLM judge tests. It speaks the real wire
 * format (`choices[0].logprobs.content[0].top_logprobs` for chat, the dict form for completions)
 * and lets each test script the replies: statuses, headers, delays, broken bodies.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  readonly body?: unknown;
  readonly delayMs?: number;
}

export type Behaviour = (request: RecordedRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAI {
  /** The OpenAI base URL (`http://127.0.0.1:PORT/v1`). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Most requests the server was handling at once. */
  readonly maxConcurrent: () => number;
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** A chat completion whose first token has these alternatives (token, probability). */
export function chatReply(top: ReadonlyArray<readonly [string, number]>, options: { text?: string; totalTokens?: number } = {}): unknown {
  const [first] = top;
  const text = options.text ?? first?.[0] ?? "";
  const topLogprobs = top.map(([token, p]) => ({ token, logprob: Math.log(p), bytes: [...Buffer.from(token)] }));
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 0,
    model: "judge-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text },
        logprobs: { content: [{ token: first?.[0] ?? "", logprob: Math.log(first?.[1] ?? 1), bytes: [], top_logprobs: topLogprobs }] },
        finish_reason: "length",
      },
    ],
    usage: { prompt_tokens: (options.totalTokens ?? 10) - 1, completion_tokens: 1, total_tokens: options.totalTokens ?? 10 },
  };
}

export function completionReply(top: ReadonlyArray<readonly [string, number]>): unknown {
  const entries = Object.fromEntries(top.map(([token, p]) => [token, Math.log(p)]));
  return {
    id: "cmpl-test",
    object: "text_completion",
    choices: [{ index: 0, text: top[0]?.[0] ?? "", logprobs: { tokens: [top[0]?.[0]], token_logprobs: [0], top_logprobs: [entries] }, finish_reason: "length" }],
    usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
  };
}

export async function startFakeOpenAI(initial: Behaviour): Promise<FakeOpenAI> {
  let behaviour = initial;
  const requests: RecordedRequest[] = [];
  let active = 0;
  let peak = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      active += 1;
      peak = Math.max(peak, active);
      const recorded: RecordedRequest = {
        path: request.url ?? "",
        headers: request.headers,
        // A GET (align run's pre-flight asks GET /models) has no body.
        body: chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      };
      requests.push(recorded);
      void Promise.resolve(behaviour(recorded, requests.length - 1)).then(async (reply) => {
        if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        active -= 1;
        if (response.destroyed) return;
        const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
        response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    maxConcurrent: () => peak,
    behave: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
