// When to try again, and how long to wait (loaded only when an attempt failed or was answered with an
// error status). Creating a message is not idempotent, so a retry is only ever made when the server
// cannot have processed the request.
import type { AttemptContext } from './attempts.js';
import { ConnectionError } from './errors.js';
import { abortedError, classify } from './network-failures.js';

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

/** 429 and 503 mean the server turned the request away without processing it. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Network error codes that prove nothing was sent: the connection was never made.
 * ECONNRESET and friends are absent on purpose: the request may already have been written.
 */
export function isNotSentCode(code: string | undefined): boolean {
  return code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
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
    // setTimeout fires at once past 2^31 - 1 ms (see attempts.ts).
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, 2 ** 31 - 1));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * After attempt number `attempt` (from 0) failed or was answered with an error status: waits and
 * returns true when another attempt should be made, returns false when the answer stands, and throws
 * the typed error when a failure stands.
 */
export async function waitToRetry(
  ctx: AttemptContext,
  attempt: number,
  outcome: { response: Response } | { error: unknown; timedOut: boolean },
): Promise<boolean> {
  const { policy } = ctx;
  const retriesLeft = attempt < policy.retries;
  let delay: number;
  if ('error' in outcome) {
    const failure = classify(outcome.error, outcome.timedOut, ctx);
    if (!(retriesLeft && failure instanceof ConnectionError && !failure.mayHaveBeenDelivered)) throw failure;
    delay = backoffDelay(policy, attempt);
    ctx.debug?.(`retry: ${failure.code} before sending; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
  } else {
    const { status, headers } = outcome.response;
    if (!retriesLeft || !isRetryableStatus(status)) return false;
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    // Retrying before the server's own time would only be turned away again: give up instead.
    if (retryAfter !== undefined && retryAfter > policy.maxDelayMs) return false;
    delay = retryAfter ?? backoffDelay(policy, attempt);
    ctx.debug?.(`retry: ${status}; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
  }
  try {
    await sleep(delay, ctx.signal);
  } catch {
    throw abortedError(ctx, 'while waiting to retry');
  }
  return true;
}
