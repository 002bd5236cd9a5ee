// When to try again, and how long to wait. Creating a message is not idempotent, so a retry is
// only ever made when the server cannot have processed the request.

export interface RetryOptions {
  /** Further attempts after the first (default 2). */
  retries?: number;
  /** First backoff delay (default 500 ms); doubles each attempt, with jitter. */
  minDelayMs?: number;
  /** Upper bound of any wait, including one asked for by Retry-After (default 8,000 ms). */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 2, minDelayMs: 500, maxDelayMs: 8_000 };
export const noRetries: RetryPolicy = { retries: 0, minDelayMs: 0, maxDelayMs: 0 };

/** 429 and 503 mean the server turned the request away without processing it. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Network error codes that prove nothing was sent: the connection was never made.
 * ECONNRESET and friends are absent on purpose: the request may already have been written.
 */
const notSentCodes = new Set(['ECONNREFUSED', 'EAI_AGAIN']);

export function isNotSentCode(code: string | undefined): boolean {
  return code !== undefined && notSentCodes.has(code);
}

/**
 * Retry-After in milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retryNumber);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The longest delay setTimeout honours; a longer one fires at once (with a warning). */
export const maxTimerMs = 2 ** 31 - 1;

/**
 * Sleeps, ending early (rejecting with the signal's reason) when the signal aborts, or at once if
 * it already has: an abort that lands between two attempts must not wait out the delay.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, maxTimerMs));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
