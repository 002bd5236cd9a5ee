// Reading how long an answer asks the client to wait before trying again, for both the error it becomes
// (RateLimitError.retryAfterMs) and core/request.ts decideRetry, so the two always agree.
//
// The real server's limits say nothing of when to come back: rack-attack's 429 (3,000 requests per IP
// in fixed one-minute windows, keyed on the server's clock) has no Retry-After, and the flood limit's
// 422 (200 messages per conversation in any 60 s) has none either. So: Retry-After when a server or
// proxy sends one; for a 429 without it, the start of the next minute by the server's own Date
// header (a retry sooner lands in the same window and fails); otherwise a whole minute.

/** The wait when the answer says nothing usable: one window of the server's limits. */
export const defaultRateLimitWaitMs = 60_000;

/**
 * An HTTP date in the one form RFC 9110 requires senders to use (IMF-fixdate, e.g.
 * `Sun, 29 Nov 2026 14:00:30 GMT`), in ms; else undefined. A date is that form exactly when it
 * reads back the same: this refuses other formats, impossible dates and wrong weekdays alike.
 */
export function parseHttpDate(value: string | null): number | undefined {
  const text = value?.trim() ?? '';
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toUTCString() !== text ? undefined : ms;
}

/**
 * Retry-After in milliseconds: delta-seconds (digits only) or an IMF-fixdate. Anything else (`-1`,
 * `wait 60`, `5, 10`, `1.5`, other date formats) is unreadable and undefined: Date.parse would read
 * several of them as dates in the past and so as "now".
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/**
 * From the server's Date header, the time left until its next window of `windowMs` (fixed windows
 * from the epoch: one minute on the real server); else undefined. The Date has whole seconds: the
 * server's clock was somewhere in [Date, Date + 1 s), so the window taken is the one after
 * Date + 999 ms (for minute windows, simply the next minute): the wait errs on the late side.
 */
export function untilNextWindow(dateHeader: string | null | undefined, windowMs = 60_000): number | undefined {
  const date = parseHttpDate(dateHeader ?? null);
  return date === undefined ? undefined : (Math.floor((date + 999) / windowMs) + 1) * windowMs - date;
}

/**
 * How long a rate-limited answer asks the caller to wait: Retry-After; else, for a 429 (fixed
 * windows), until the next minute by the server's Date; else a whole window (the flood limit's window
 * slides, so only a full minute is sure to have room). Measured against the server's clock, never
 * ours, so a skewed local clock changes nothing. `guessed` when the server did not say it: the
 * client then adds jitter, so that clients held back together do not all come back at once.
 */
export function rateLimitWait(headers: Headers, fixedWindows: boolean): { ms: number; guessed: boolean } {
  const asked = parseRetryAfter(headers.get('retry-after'));
  if (asked !== undefined) return { ms: asked, guessed: false };
  return { ms: (fixedWindows ? untilNextWindow(headers.get('date')) : undefined) ?? defaultRateLimitWaitMs, guessed: true };
}

/** The flood limit's refusal: `{"error":"Validation failed: Too many messages"}` with a 422. */
export function isFloodLimit(body: unknown): boolean {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' && /\bToo many messages\b/i.test(error);
}
