/**
 * Retries with exponential backoff and jitter for transient failures (5xx, 429, network errors,
 * timeouts). A server's Retry-After wins over the computed delay: it knows its own load.
 */
import { CallError } from "./client.js";

export interface RetryPolicy {
  /** Retries after the first attempt (plan field `retries`). */
  readonly retries: number;
  /** First backoff step in ms; doubles per attempt. */
  readonly baseMs: number;
  /** Largest computed backoff in ms. */
  readonly capMs: number;
  /** Largest Retry-After honoured in ms: a server asking for an hour is treated as down. */
  readonly maxRetryAfterMs: number;
  readonly random?: () => number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, "retries"> = { baseMs: 250, capMs: 10_000, maxRetryAfterMs: 60_000 };

/** Delay before retry number `attempt` (0 = the first retry). */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  // "Equal jitter": half fixed so the delay still grows, half random so clients spread out.
  const random = policy.random ?? Math.random;
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * Run `attempt` until it succeeds, fails for good, or the retries are spent. `beforeAttempt`
 * may throw to stop early (the token budget ran out while we were backing off).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  options: { signal?: AbortSignal; beforeAttempt?: () => void } = {},
): Promise<T> {
  for (let tried = 0; ; tried += 1) {
    options.beforeAttempt?.();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof CallError) || !error.retryable || tried >= policy.retries) throw error;
      await sleep(backoffMs(policy, tried, error.retryAfterMs), options.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new CallError("aborted", "the batch was cancelled", false));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CallError("aborted", "the batch was cancelled", false));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
