// How createMany tells the server's two rate limits apart, and how long each makes it wait.
import { describe, expect, it } from 'vitest';
import { ApiError, RateLimitError, UnprocessableEntityError } from '../../src/index.js';
import { isConversationFlood, rateLimitOf, untilNextWindow } from '../../src/bulk/rate-limits.js';

const details = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers, method: 'POST', url: '/x' });

describe('rate limits in a batch', () => {
  it('waits for the next minute window after the Date of a 429 without Retry-After', () => {
    expect(untilNextWindow('Sun, 29 Nov 2026 14:20:30 GMT', 60_000, () => 0)).toBe(30_000);
    expect(untilNextWindow('Sun, 29 Nov 2026 14:20:59 GMT', 60_000, () => 0)).toBe(1_000);
    // Jitter of at most a second on top, never less.
    expect(untilNextWindow('Sun, 29 Nov 2026 14:20:00 GMT', 60_000, () => 1)).toBe(61_000);
    expect(untilNextWindow('not a date', 60_000)).toBeUndefined();
    // Short (test) windows: the whole second Date may hide is skipped too.
    expect(untilNextWindow('Sun, 29 Nov 2026 14:20:00 GMT', 300, () => 0)).toBe(1_200);
  });

  it('tells the per-client 429 from the per-conversation 422, and leaves other errors alone', () => {
    const date = 'Sun, 29 Nov 2026 14:20:45 GMT';
    const tooMany = new RateLimitError('429', details(429, 'Retry later\n', { date }), undefined);
    expect(rateLimitOf(tooMany, 60_000)).toMatchObject({ scope: 'client' });
    expect(rateLimitOf(tooMany, 60_000)!.waitMs).toBeGreaterThanOrEqual(15_000);
    const asked = new RateLimitError('429', details(429, 'Retry later', { date, 'retry-after': '7' }), 7_000);
    expect(rateLimitOf(asked, 60_000)).toEqual({ scope: 'client', waitMs: 7_000 });

    const flood = new UnprocessableEntityError('422', details(422, { error: 'Validation failed: Too many messages' }));
    expect(isConversationFlood(flood)).toBe(true);
    expect(rateLimitOf(flood, 60_000)).toEqual({ scope: 'conversation', waitMs: 60_000 });
    const refused = new UnprocessableEntityError('422', details(422, { error: 'Validation failed: Content is too long' }));
    expect(rateLimitOf(refused, 60_000)).toBeUndefined();
    expect(rateLimitOf(new ApiError('500', details(500, 'boom'), true), 60_000)).toBeUndefined();
  });
});
