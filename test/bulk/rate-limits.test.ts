// How createMany tells the server's two rate limits apart, and how long each makes it wait.
import { describe, expect, it } from 'vitest';
import { ApiError, ConversationRateLimitError, RateLimitError, UnprocessableEntityError } from '../../src/index.js';
import { nextWindowWait, rateLimitOf } from '../../src/bulk/rate-limits.js';

const details = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body,
  headers,
  method: 'POST',
  url: '/x',
});
const noJitter = () => 0;

describe('rate limits in a batch', () => {
  it('waits for the next window after the Date of a 429 without Retry-After', () => {
    expect(nextWindowWait('Sun, 29 Nov 2026 14:20:30 GMT', 60_000, noJitter)).toBe(30_000);
    expect(nextWindowWait('Sun, 29 Nov 2026 14:20:59 GMT', 60_000, noJitter)).toBe(1_000);
    // Jitter of at most a second on top, never less.
    expect(nextWindowWait('Sun, 29 Nov 2026 14:20:00 GMT', 60_000, () => 1)).toBe(61_000);
    expect(nextWindowWait('not a date', 60_000)).toBeUndefined();
    // Short (test) windows: the whole second Date may hide is skipped too.
    expect(nextWindowWait('Sun, 29 Nov 2026 14:20:00 GMT', 300, noJitter)).toBe(1_200);
  });

  it('tells the per-client 429 from the per-conversation 422, and leaves other errors alone', () => {
    const date = 'Sun, 29 Nov 2026 14:20:45 GMT';
    // With the server's minute, the error's own retryAfterMs (until the next minute by Date) is used.
    const tooMany = new RateLimitError('429', details(429, 'Retry later\n', { date }), 15_000);
    expect(rateLimitOf(tooMany, 60_000, noJitter)).toEqual({ scope: 'client', waitMs: 15_000 });
    // With a test window, the same rule on that window.
    expect(rateLimitOf(tooMany, 500, noJitter)).toEqual({ scope: 'client', waitMs: 1_000 });
    const asked = new RateLimitError('429', details(429, 'Retry later', { date, 'retry-after': '7' }), 7_000);
    expect(rateLimitOf(asked, 500, noJitter)).toEqual({ scope: 'client', waitMs: 7_000 });

    const flood = new ConversationRateLimitError('422', details(422, { error: 'Validation failed: Too many messages' }), 60_000);
    expect(rateLimitOf(flood, 60_000, noJitter)).toEqual({ scope: 'conversation', waitMs: 60_000 });
    expect(rateLimitOf(flood, 400, noJitter)).toEqual({ scope: 'conversation', waitMs: 400 });
    const refused = new UnprocessableEntityError('422', details(422, { error: 'Validation failed: Content is too long' }));
    expect(rateLimitOf(refused, 60_000)).toBeUndefined();
    expect(rateLimitOf(new ApiError('500', details(500, 'boom'), true), 60_000)).toBeUndefined();
  });
});
