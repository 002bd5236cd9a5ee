// The server's two rate limits, as createMany meets them in the errors messages.create throws, and
// how long each makes the batch wait. Neither costs the caller's message: the server saved nothing.
import { ConversationRateLimitError, RateLimitError, type Digital99Error } from '../errors/classes.js';
import { untilNextWindow } from '../errors/retry-after.js';
import { serverWindowMs } from './options.js';

export interface RateLimit {
  /** `client`: the per-IP limit (429), every item waits; `conversation`: the flood limit (422), only that conversation waits. */
  scope: 'client' | 'conversation';
  waitMs: number;
}

/**
 * Until the server's next window of `windowMs` after the response's Date (errors/retry-after.ts),
 * plus a little jitter so that waiting clients do not all come back at once.
 */
export function nextWindowWait(date: string | undefined, windowMs: number, random = Math.random): number | undefined {
  const wait = untilNextWindow(date, windowMs);
  return wait === undefined ? undefined : wait + jitter(windowMs, random);
}

function jitter(windowMs: number, random: () => number): number {
  return Math.round(random() * Math.min(1_000, windowMs / 20));
}

/**
 * `retryAfterMs` of the errors is the server's Retry-After, else (429) until its next minute by its
 * Date, else (flood limit) a whole minute. With windows other than the server's minute (an emulator
 * in tests) the same rules are applied to `windowMs` here.
 */
export function rateLimitOf(error: Digital99Error, windowMs: number, random = Math.random): RateLimit | undefined {
  if (!(error instanceof RateLimitError)) return undefined;
  const scope = error instanceof ConversationRateLimitError ? 'conversation' : 'client';
  const asked = error.headers['retry-after'] !== undefined;
  if (asked) return { scope, waitMs: error.retryAfterMs };
  if (windowMs === serverWindowMs) return { scope, waitMs: error.retryAfterMs + jitter(windowMs, random) };
  // The flood limit's window slides: only a whole window is sure to have room.
  const waitMs = scope === 'client' ? nextWindowWait(error.headers['date'], windowMs, random) : undefined;
  return { scope, waitMs: waitMs ?? windowMs + jitter(windowMs, random) };
}
