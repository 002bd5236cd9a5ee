// The retry policy and the per-attempt timeout: their options (the client's, and each call's with its
// signal), checked with messages that say how to fix them. What they mean for a request is decided in
// core/request.ts (decideRetry).
import { ConfigurationError } from '../errors/classes.js';
import { checkSignal as check } from '../internal/check-signal.js';

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
  /**
   * Rate-limit waits allowed apart from `retries` (createMany: several windows); when unset, a
   * rate-limit retry counts as one of `retries`.
   */
  rateLimitWaits?: number;
  /** The server's limit window (default a minute; shorter against an emulator in tests). */
  windowMs?: number;
  /**
   * The request changes nothing on the server (the reads: list, conversations.get): an attempt whose
   * answer was lost, and a 502/503/504 without Retry-After, may be retried too.
   */
  idempotent?: boolean;
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

/** A per-call `signal` must be a real AbortSignal: checked before anything starts (fetch would throw later). */
export function checkSignal(signal: unknown, name = 'signal (per call)'): AbortSignal | undefined {
  return check(signal, name, fail);
}

/** The options every call takes (messages.create, the reads): they override the client's. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  retry?: RetryOptions | false;
}

/**
 * One call's signal, policy and timeout from its options (`what`: "messages.create(params, options)"),
 * the client's where it leaves one out; checked before anything (a timer, a request) starts.
 */
export function resolveCallOptions(
  callOptions: CallOptions | undefined,
  client: { retry: RetryPolicy; timeoutMs: number },
  what: string,
): { signal: AbortSignal | undefined; policy: RetryPolicy; timeoutMs: number } {
  if (callOptions !== undefined && (typeof callOptions !== 'object' || callOptions === null)) {
    fail(`${what}: options must be an object such as { signal, timeoutMs, retry }.`);
  }
  const { signal, retry, timeoutMs } = callOptions ?? {};
  return {
    signal: checkSignal(signal),
    policy: retry === undefined ? client.retry : resolveRetry(retry, 'retry (per call)'),
    timeoutMs: timeoutMs === undefined ? client.timeoutMs : resolveTimeout(timeoutMs, 'timeoutMs (per call)'),
  };
}
