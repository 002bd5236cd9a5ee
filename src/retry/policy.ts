// The retry policy and the per-attempt timeout: their options, checked with messages that say how to
// fix them, and the rules they stand for. Creating a message is not idempotent, so a retry is only
// ever made when the server cannot have processed the request.
import { ConfigurationError } from '../errors/classes.js';
import { parseRetryAfter, rateLimitWait } from '../errors/retry-after.js';

export interface RetryOptions {
  /** Further attempts after the first (default 2). */
  retries?: number;
  /** First backoff delay (default 500 ms); doubles each attempt, with jitter. */
  minDelayMs?: number;
  /**
   * Upper bound of any wait (default 8,000 ms). When a rate limit asks for longer (Retry-After, or the
   * next minute window), the call gives up at once with the wait in RateLimitError.retryAfterMs.
   */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

function fail(message: string): never {
  throw new ConfigurationError(message);
}

function checkMs(value: unknown, name: string, allowZero: boolean): number {
  const ms = value as number;
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    const got = typeof value === 'string' ? `"${value}" (a string)` : String(value);
    fail(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${got}.`);
  }
  return ms;
}

export function resolveRetry(retry: RetryOptions | false = {}, name = 'retry'): RetryPolicy {
  if (retry === false) return { retries: 0, minDelayMs: 0, maxDelayMs: 0 };
  if (typeof retry !== 'object' || retry === null) fail(`${name} must be false or { retries, minDelayMs, maxDelayMs }.`);
  // The defaults (an option left out, or no retry option at all: {}).
  const retries = retry.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10)
    fail(`${name}.retries must be a whole number from 0 to 10, got ${String(retries)}.`);
  const minDelayMs = checkMs(retry.minDelayMs ?? 500, `${name}.minDelayMs`, true);
  const maxDelayMs = checkMs(retry.maxDelayMs ?? 8_000, `${name}.maxDelayMs`, true);
  if (maxDelayMs < minDelayMs) fail(`${name}.maxDelayMs (${maxDelayMs}) must not be smaller than minDelayMs (${minDelayMs}).`);
  return { retries, minDelayMs, maxDelayMs };
}

export function resolveTimeout(timeoutMs: unknown, name = 'timeoutMs'): number {
  return checkMs(timeoutMs, name, false);
}

/**
 * The wait an error answer asks for when retrying it cannot post the message twice; undefined when
 * the answer stands. 429 and the flood limit's 422 (`floodLimited`) refuse before anything is saved.
 * A 503 counts only with Retry-After (a server saying "come back later"): proxies (Envoy, Heroku's
 * router) also answer 503 after they forwarded the POST, and retrying that could post it twice.
 */
export function retryWait(status: number, headers: Headers, floodLimited: boolean): { ms: number; guessed: boolean } | undefined {
  if (status === 429) return rateLimitWait(headers, true);
  if (status === 422 && floodLimited) return rateLimitWait(headers, false);
  if (status !== 503) return undefined;
  const ms = parseRetryAfter(headers.get('retry-after'));
  return ms === undefined ? undefined : { ms, guessed: false };
}

/** Spread for a wait the client worked out itself (not one the server asked for): up to 500 ms. */
export function jitterMs(random = Math.random): number {
  return Math.round(random() * 500);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retryNumber);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** A per-call `signal` must be a real AbortSignal: checked before anything starts (fetch would throw later). */
export function checkSignal(signal: unknown, name = 'signal (per call)'): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  const got =
    signal === null
      ? 'null'
      : typeof signal === 'object'
        ? `an object (${Object.prototype.toString.call(signal).slice(8, -1)})`
        : typeof signal;
  fail(`${name} must be an AbortSignal, e.g. new AbortController().signal or AbortSignal.timeout(ms), got ${got}.`);
}
