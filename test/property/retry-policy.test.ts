// Property-based checks of the retry policy: the waits it computes, the Retry-After it reads, and,
// against a real loopback server, that any sequence of answers is retried exactly while the server
// has turned the request away and never once it may have processed it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient } from '../../src/index.js';
import { parseRetryAfter, untilNextWindow } from '../../src/internal/retry-after.js';
import { backoffDelay, retryWait } from '../../src/core/request.js';
import { messageJson, reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const policy = fc
  .record({
    retries: fc.integer({ min: 0, max: 10 }),
    minDelayMs: fc.integer({ min: 0, max: 10_000 }),
    spread: fc.integer({ min: 0, max: 60_000 }),
  })
  .map(({ retries, minDelayMs, spread }) => ({ retries, minDelayMs, maxDelayMs: minDelayMs + spread }));
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  it('is within [d/2, d] of the doubled delay d, capped at maxDelayMs', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 0, max: 20 }), unit, (p, retry, random) => {
        const cap = Math.min(p.maxDelayMs, p.minDelayMs * 2 ** retry);
        const delay = backoffDelay(p, retry, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(cap / 2));
        expect(delay).toBeLessThanOrEqual(Math.ceil(cap));
        expect(delay).toBeLessThanOrEqual(p.maxDelayMs);
      }),
      { numRuns: 500 },
    );
  });

  it('never shrinks from one retry to the next for the same draw', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 0, max: 19 }), unit, (p, retry, random) => {
        expect(backoffDelay(p, retry + 1, () => random)).toBeGreaterThanOrEqual(backoffDelay(p, retry, () => random));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0, 500);

  it('reads delta-seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(String(seconds), now)).toBe(seconds * 1000);
        expect(parseRetryAfter(` ${seconds} `, now)).toBe(seconds * 1000);
      }),
    );
  });

  it('reads an HTTP date as the time left until it (0 when past)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 10 * 365 * 86_400 }), (offsetSeconds) => {
        const date = new Date(now + offsetSeconds * 1000);
        const whole = Math.floor(date.getTime() / 1000) * 1000; // HTTP dates have whole seconds
        expect(parseRetryAfter(date.toUTCString(), now)).toBe(Math.max(0, whole - now));
      }),
    );
  });

  it('gives a finite wait of 0 or more, or undefined, for any header value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const parsed = parseRetryAfter(value, now);
        if (parsed !== undefined) {
          expect(Number.isFinite(parsed)).toBe(true);
          expect(parsed).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('refuses what is neither delta-seconds nor an IMF-fixdate (Date.parse reads several as past dates)', () => {
    for (const value of [
      '-1',
      'wait 60',
      'Retry in 5',
      '5, 10',
      '1.5',
      '+5',
      '0x10',
      'soon',
      '2026-01-15T12:00:05Z',
      'Thu, 15 Jan 2026 12:00:05 +0000',
      'Thu, 31 Feb 2026 12:00:05 GMT',
    ]) {
      expect(parseRetryAfter(value, now), value).toBeUndefined();
    }
  });
});

describe('untilNextWindow (429 without Retry-After)', () => {
  it("is the time from the server's Date to the start of its next minute: in (0, 60 s]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (seconds) => {
        const date = new Date(seconds * 1000);
        const wait = untilNextWindow(date.toUTCString())!;
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(60_000);
        expect((seconds * 1000 + wait) % 60_000).toBe(0);
      }),
      { numRuns: 300 },
    );
    expect(untilNextWindow(null)).toBeUndefined();
    expect(untilNextWindow('yesterday')).toBeUndefined();
  });
});

describe('which answers are retried', () => {
  const h = (headers: Record<string, string> = {}) => new Headers(headers);

  it('429 and the flood-limit 422 always (with a wait), 503 only with Retry-After, nothing else', () => {
    const statuses = Array.from({ length: 900 }, (_, i) => i + 100);
    expect(statuses.filter((s) => retryWait(s, h(), false) !== undefined)).toEqual([429]);
    expect(statuses.filter((s) => retryWait(s, h(), true) !== undefined)).toEqual([422, 429]);
    expect(statuses.filter((s) => retryWait(s, h({ 'retry-after': '3' }), false) !== undefined)).toEqual([429, 503]);
    expect(retryWait(503, h({ 'retry-after': '-1' }), false)).toBeUndefined();
    expect(retryWait(429, h({ date: 'Thu, 15 Jan 2026 12:00:45 GMT' }), false)).toEqual({ ms: 15_000, guessed: true });
    expect(retryWait(429, h({ 'retry-after': '2', date: 'Thu, 15 Jan 2026 12:00:45 GMT' }), false)).toEqual({ ms: 2_000, guessed: false });
    expect(retryWait(422, h({ date: 'Thu, 15 Jan 2026 12:00:45 GMT' }), true)).toEqual({ ms: 60_000, guessed: true });
  });

  describe('against a real server answering any sequence of statuses', () => {
    /** The answers of the current run, answered from request number `offset` on. */
    let answers: Answer[] = [];
    let offset = 0;
    let server: LoopbackServer;
    beforeAll(async () => {
      server = await startServer((_req, res, i) => {
        const answer = answers[i - offset] ?? '200';
        if (answer === '200') return reply(res, 200, messageJson());
        const status = Number(answer.slice(0, 3));
        const headers: Record<string, string> = answer.includes('retry-after') ? { 'retry-after': '0' } : {};
        reply(
          res,
          status,
          answer.includes('flood') ? '{"error":"Validation failed: Too many messages"}' : status === 429 ? 'Retry later' : '{"error":"no"}',
          headers,
        );
      });
    });
    afterAll(() => server.close());

    type Answer = (typeof kinds)[number];
    const kinds = [
      '200',
      '429',
      '429 retry-after',
      '503',
      '503 retry-after',
      '500',
      '502',
      '504',
      '401',
      '404',
      '422',
      '422 flood retry-after',
      '600',
    ] as const;
    /** Retried within maxDelayMs 0: the server said 0, or nothing at all (429 waits for the next minute, past 0). */
    const retried = (a: Answer) => a === '429 retry-after' || a === '503 retry-after' || a === '422 flood retry-after';

    it('requests = up to and including the first answer that is not retried, at most retries + 1', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 0, max: 4 }),
          async (sequence, retries) => {
            answers = sequence;
            offset = server.requests.length;
            const client = createClient({
              apiAccessToken: 'propertyTestToken12345',
              baseUrl: server.url,
              retry: { retries, minDelayMs: 0, maxDelayMs: 0 },
            });
            const outcome = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'property' }).then(
              (message) => ({ status: 200, message }),
              (error: unknown) => ({ status: (error as ApiError).status, error }),
            );

            const full: Answer[] = [...sequence, '200'];
            const decisive = full.findIndex((a) => !retried(a));
            const expectedRequests = Math.min(decisive + 1, retries + 1);
            expect(server.requests.length - offset).toBe(expectedRequests);
            const last = full[expectedRequests - 1]!;
            expect(outcome.status).toBe(Number(last.slice(0, 3)));
            if ('error' in outcome) {
              expect(outcome.error).toBeInstanceOf(ApiError);
              // Delivered is possible exactly when the last answer was a 5xx (or worse) that did not say "come back later".
              const status = Number(last.slice(0, 3));
              expect((outcome.error as ApiError).mayHaveBeenDelivered).toBe(status >= 500 && last !== '503 retry-after');
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});
