// The retry policy and the per-attempt timeout: their options, checked with messages that say how to
// fix them, and the rules they stand for. Creating a message is not idempotent, so a retry is only
// ever made when the server cannot have processed the request.
import { ConfigurationError } from '../errors/classes.js';

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
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) fail(`${name}.retries must be a whole number from 0 to 10, got ${String(retries)}.`);
  const minDelayMs = checkMs(retry.minDelayMs ?? 500, `${name}.minDelayMs`, true);
  const maxDelayMs = checkMs(retry.maxDelayMs ?? 8_000, `${name}.maxDelayMs`, true);
  if (maxDelayMs < minDelayMs) fail(`${name}.maxDelayMs (${maxDelayMs}) must not be smaller than minDelayMs (${minDelayMs}).`);
  return { retries, minDelayMs, maxDelayMs };
}

export function resolveTimeout(timeoutMs: unknown, name = 'timeoutMs'): number {
  return checkMs(timeoutMs, name, false);
}

/** 429 and 503 mean the server turned the request away without processing it. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retryNumber);
  return Math.round(exp / 2 + random() * (exp / 2));
}
