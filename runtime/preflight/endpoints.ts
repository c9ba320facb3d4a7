/**
 * Each LLM endpoint a running stage reaches answers one cheap request: `GET <base>/models` with
 * the key, as every OpenAI-compatible server (OpenAI, vLLM, TGI, llama.cpp) serves it. Refused
 * connections, timeouts, a rejected key (401/403) and server errors (5xx) are problems; any other
 * answer means the server is there. `align run --no-endpoint-check` skips this (offline work).
 */
import type { EndpointNeed } from "./needs.js";
import type { PreflightProblem } from "./types.js";

const TIMEOUT_MS = 5_000;

/** The problem with one endpoint, or undefined when it answered. The key never enters a message. */
async function probeEndpoint(need: EndpointNeed, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<string | undefined> {
  const key = need.apiKeyEnv === null ? undefined : env[need.apiKeyEnv];
  // An unset key is the env check's problem; asking the server without it only adds a second line.
  if (need.apiKeyEnv !== null && (key ?? "") === "") return undefined;
  const url = `${need.url.replace(/\/+$/, "")}/models`;
  let status: number;
  try {
    const response = await fetch(url, {
      headers: key === undefined ? {} : { Authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === "TimeoutError" ? `no answer in ${timeoutMs / 1000}s` : (e.cause?.code ?? e.message);
    return `cannot reach ${url} (${why})`;
  }
  if (status === 401 || status === 403) return `${url} refused the key in ${need.apiKeyEnv ?? "(no key)"} (HTTP ${status})`;
  if (status >= 500) return `${url} answered HTTP ${status}`;
  return undefined;
}

export async function checkEndpoints(needs: readonly EndpointNeed[], env: Readonly<Record<string, string | undefined>>,
  timeoutMs = TIMEOUT_MS): Promise<PreflightProblem[]> {
  const found = await Promise.all(needs.map((need) => probeEndpoint(need, env, timeoutMs)));
  return found.flatMap((why, i) => (why === undefined ? [] : [{
    check: "endpoint" as const,
    message: `model ${needs[i]?.model}: ${why}; start the server or fix the URL, or pass --no-endpoint-check to skip this check`,
  }]));
}
