// The server's two rate limits, told apart in the errors messages.create throws, and how long each
// asks the batch to wait. Neither cost the caller's message: the server saved nothing.
import { ApiError, RateLimitError, type Digital99Error } from '../errors/classes.js';

export interface RateLimit {
  /** `client`: the per-IP limit (429), every item waits; `conversation`: the flood limit (422), only that conversation waits. */
  scope: 'client' | 'conversation';
  waitMs: number;
}

/**
 * The per-conversation flood limit: 422 `{"error":"Validation failed: Too many messages"}` (200
 * messages in any 60 s). Recognised by its class when the errors module names it
 * (ConversationRateLimitError), else by status and the server's words.
 */
export function isConversationFlood(error: Digital99Error): boolean {
  if (!(error instanceof ApiError) || error.status !== 422) return false;
  if (error.name === 'ConversationRateLimitError') return true;
  const said = (error.body as { error?: unknown } | null)?.error;
  return typeof said === 'string' && /too many messages/i.test(said);
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
  return next - at + Math.round(random() * Math.min(1_000, windowMs / 20));
}

export function rateLimitOf(error: Digital99Error, windowMs: number): RateLimit | undefined {
  if (isConversationFlood(error)) {
    // The refusal proves a full window's worth in the last window; all of those have aged out one
    // window later, whoever else writes to the conversation.
    return { scope: 'conversation', waitMs: windowMs };
  }
  if (error instanceof RateLimitError && error.status === 429) {
    const header = (name: string) => error.headers[name];
    const asked = header('retry-after') !== undefined ? error.retryAfterMs : undefined;
    return { scope: 'client', waitMs: asked ?? untilNextWindow(header('date'), windowMs) ?? error.retryAfterMs ?? windowMs };
  }
  return undefined;
}
