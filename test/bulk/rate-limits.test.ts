// How a batch item's attempts meet the server's two rate limits: decideRetry (core/request.ts) under
// the batch's policy (bulk/create-many.ts batchPolicy) tells them apart and says how long each waits.
import { describe, expect, it } from 'vitest';
import { batchPolicy, maxRateLimitWaits } from '../../src/bulk/create-many.js';
import { decideRetry, type Outcome } from '../../src/core/request.js';

const noJitter = () => 0;
const clientPolicy = { retries: 2, minDelayMs: 500, maxDelayMs: 8_000 };
const fresh = { retries: 0, rateLimitWaits: 0 };

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Outcome {
  return { kind: 'answer', response: new Response(null, { status, headers }), body };
}
const flood = { error: 'Validation failed: Too many messages' };

describe('rate limits in a batch', () => {
  it('waits for the next window after the Date of a 429 without Retry-After, with at most the one jitter on top', () => {
    const policy = batchPolicy(clientPolicy, 60_000);
    const at = (date: string, random = noJitter) => decideRetry(answer(429, 'Retry later', { date }), fresh, policy, random);
    expect(at('Sun, 29 Nov 2026 14:20:30 GMT')).toEqual({ retry: true, waitMs: 30_000, rateLimit: 'client' });
    expect(at('Sun, 29 Nov 2026 14:20:59 GMT')).toEqual({ retry: true, waitMs: 1_000, rateLimit: 'client' });
    expect(at('Sun, 29 Nov 2026 14:20:00 GMT', () => 1)).toEqual({ retry: true, waitMs: 60_500, rateLimit: 'client' });
    // No usable Date: a whole window.
    expect(at('not a date')).toEqual({ retry: true, waitMs: 60_000, rateLimit: 'client' });
    // Short (test) windows: the whole second Date may hide is skipped too.
    const short = batchPolicy(clientPolicy, 300);
    expect(decideRetry(answer(429, '', { date: 'Sun, 29 Nov 2026 14:20:00 GMT' }), fresh, short, noJitter)).toMatchObject({
      waitMs: 1_200,
    });
  });

  it('tells the per-client 429 from the per-conversation 422, and leaves other errors alone', () => {
    const policy = batchPolicy(clientPolicy, 500);
    const asked = answer(429, 'Retry later', { date: 'Sun, 29 Nov 2026 14:20:45 GMT', 'retry-after': '7' });
    // Retry-After is the server's word: no jitter; a wait longer than a window (or the client's maxDelayMs) stands.
    expect(decideRetry(asked, fresh, policy, () => 1)).toEqual({ retry: true, waitMs: 7_000, rateLimit: 'client' });
    const tooLong = answer(429, 'Retry later', { 'retry-after': '9' });
    expect(decideRetry(tooLong, fresh, policy, () => 1)).toEqual({ retry: false, rateLimit: 'client' });
    expect(decideRetry(asked, fresh, batchPolicy(clientPolicy, 60_000), () => 1)).toEqual({
      retry: true,
      waitMs: 7_000,
      rateLimit: 'client',
    });
    expect(decideRetry(answer(422, flood), fresh, policy, noJitter)).toEqual({ retry: true, waitMs: 500, rateLimit: 'conversation' });
    expect(decideRetry(answer(422, flood), fresh, batchPolicy(clientPolicy, 60_000), noJitter)).toMatchObject({ waitMs: 60_000 });
    expect(decideRetry(answer(422, { error: 'Validation failed: Content is too long' }), fresh, policy)).toEqual({
      retry: false,
      rateLimit: undefined,
    });
    expect(decideRetry(answer(500, 'boom'), fresh, policy)).toEqual({ retry: false, rateLimit: undefined });
  });

  it('allows maxRateLimitWaits rate-limit waits apart from the client retries', () => {
    const policy = batchPolicy(clientPolicy, 500);
    expect(decideRetry(answer(422, flood), { retries: 2, rateLimitWaits: maxRateLimitWaits - 1 }, policy)).toMatchObject({ retry: true });
    expect(decideRetry(answer(422, flood), { retries: 0, rateLimitWaits: maxRateLimitWaits }, policy)).toMatchObject({ retry: false });
    // A single call (no rateLimitWaits): a rate limit counts as one of its retries.
    expect(decideRetry(answer(429, ''), { retries: 2, rateLimitWaits: 0 }, clientPolicy)).toMatchObject({ retry: false });
  });
});
