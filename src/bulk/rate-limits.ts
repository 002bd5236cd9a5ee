// The server's two rate limits, as createMany meets them in the errors messages.create throws, and
// how long each makes the batch wait. Neither costs the caller's message: the server saved nothing.
import { ConversationRateLimitError, RateLimitError, type Digital99Error } from '../errors/classes.js';
import { serverWindowMs } from './options.js';

export interface RateLimit {
  /** `client`: the per-IP limit (429), every item waits; `conversation`: the flood limit (422), only that conversation waits. */
  scope: 'client' | 'conversation';
  waitMs: number;
}

/**
 * Until the next window of `windowMs` after the response's Date (the server counts in fixed
 * windows from the epoch), plus a little jitter so that waiting clients do not all come back at
 * once. Date has whole seconds: the server's clock was somewhere in [Date, Date + 1 s), so the
 * window taken is the one after Date + 999 ms (for minute windows, simply the next minute). Counted
 * from now, which is at least as late as that clock, the wait never ends early.
 */
export function untilNextWindow(date: string | undefined, windowMs: number, random = Math.random): number | undefined {
  const at = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(at)) return undefined;
  const next = (Math.floor((at + 999) / windowMs) + 1) * windowMs;
  return next - at + jitter(windowMs, random);
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
  const waitMs = scope === 'client' ? untilNextWindow(error.headers['date'], windowMs, random) : undefined;
  return { scope, waitMs: waitMs ?? windowMs + jitter(windowMs, random) };
}
