// Property-based checks of the retry policy: the waits it computes, the Retry-After it reads, and,
// against a real loopback server, that any sequence of answers is retried exactly while the server
// has turned the request away and never once it may have processed it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient } from '../../src/index.js';
import { parseRetryAfter } from '../../src/errors/retry-after.js';
import { backoffDelay, isRetryableStatus } from '../../src/retry/policy.js';
import { messageJson, reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const policy = fc
  .record({ retries: fc.integer({ min: 0, max: 10 }), minDelayMs: fc.integer({ min: 0, max: 10_000 }), spread: fc.integer({ min: 0, max: 60_000 }) })
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
});

describe('which answers are retried', () => {
  it('only 429 and 503, of every status', () => {
    const retried = Array.from({ length: 500 }, (_, i) => i + 100).filter(isRetryableStatus);
    expect(retried).toEqual([429, 503]);
  });

  describe('against a real server answering any sequence of statuses', () => {
    /** The statuses of the current run, answered from request number `offset` on. */
    let answers: number[] = [];
    let offset = 0;
    let server: LoopbackServer;
    beforeAll(async () => {
      server = await startServer((_req, res, i) => {
        const status = answers[i - offset] ?? 200;
        if (status === 200) reply(res, 200, messageJson());
        else reply(res, status, status === 429 ? 'Retry later' : '{"error":"no"}');
      });
    });
    afterAll(() => server.close());

    const status = fc.constantFrom(200, 429, 503, 500, 502, 504, 401, 404, 422);

    it('requests = up to and including the first answer that is not 429/503, at most retries + 1', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(status, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 4 }), async (sequence, retries) => {
          answers = sequence;
          offset = server.requests.length;
          const client = createClient({
            apiAccessToken: 'propertyTestToken12345',
            baseUrl: server.url,
            retry: { retries, minDelayMs: 0, maxDelayMs: 0 },
          });
          const outcome = await client.messages
            .create({ account_id: 1, conversation_id: 42, content: 'property' })
            .then((message) => ({ status: 200, message }), (error: unknown) => ({ status: (error as ApiError).status, error }));

          const full = [...sequence, 200];
          const decisive = full.findIndex((s) => !isRetryableStatus(s));
          const expectedRequests = Math.min(decisive + 1, retries + 1);
          expect(server.requests.length - offset).toBe(expectedRequests);
          expect(outcome.status).toBe(full[expectedRequests - 1]);
          if ('error' in outcome) {
            expect(outcome.error).toBeInstanceOf(ApiError);
            // Delivered is possible exactly when the last answer was a 5xx other than 503.
            const last = full[expectedRequests - 1]!;
            expect((outcome.error as ApiError).mayHaveBeenDelivered).toBe(last >= 500 && last !== 503);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
