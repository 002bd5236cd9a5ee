// Retries and waits, every rule of them in one suite: when a request is retried (only when the
// server cannot have processed it) and never otherwise, against real loopback servers and an
// injected fetch; how long each wait is (Retry-After, the next window, backoff, the one jitter,
// maxDelayMs), as properties of core/request.ts decideRetry; a batch item's rate-limit waits; and a
// fresh, complete copy of the body on every attempt.
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPolicy, maxRateLimitWaits } from '../../src/bulk/create-many.js';
import { backoffDelay, decideRetry, type Outcome, retryWait } from '../../src/core/request.js';
import {
  ApiError,
  ConnectionError,
  RateLimitError,
  TimeoutError,
  createClient,
  type ClientOptions,
  type CreateMessageBody,
  type RetryOptions,
} from '../../src/index.js';
import { parseRetryAfter, untilNextWindow } from '../../src/internal/retry-after.js';
import { answers, baseUrl, createWithFake, fakeFetch, jsonResponse, rejectionOf, textResponse, token } from '../unit/fake-fetch.js';
import { serversClosedAfterEach } from './leftovers.js';
import { closedPort, reply, startServer, type Handler, type LoopbackServer } from './loopback-server.js';
import { secretToken } from './token-exposure.js';
import { messageJson, sampleMessage } from '../support/sample-message.js';

const params = { account_id: 1, conversation_id: 42, content: 'Shalom 👋 — retried?', message_type: 'outgoing' } as const;
const path = '/api/v1/accounts/1/conversations/42/messages';
const fast = { retries: 2, minDelayMs: 5, maxDelayMs: 50 };

const { serve } = serversClosedAfterEach();

function clientFor(server: { url: string }, options: Partial<ClientOptions> = {}) {
  return createClient({ apiAccessToken: secretToken, baseUrl: server.url, retry: fast, timeoutMs: 2_000, ...options });
}

/** An answer; 429 and 503 say "come back now" (Retry-After: 0), the one form of 503 that is retried. */
function status(res: ServerResponse, code: number): void {
  const retryable: Record<string, string> = code === 429 || code === 503 ? { 'retry-after': '0' } : {};
  reply(
    res,
    code,
    code === 429 ? 'Retry later' : `{"error":"status ${code}"}`,
    code === 429 ? { 'content-type': 'text/plain', ...retryable } : retryable,
  );
}

/** Answers with the listed statuses in turn (then 200 with a message). */
function sequence(...codes: number[]): Handler {
  return (_req, res, i) => (i < codes.length ? status(res, codes[i]!) : reply(res, 200, messageJson()));
}

describe('the required exact checks', () => {
  it('a server that answers 429 twice then 200 receives exactly three requests and the caller gets the message', async () => {
    const server = await serve(sequence(429, 429));
    const message = await clientFor(server).messages.create(params);
    expect(message).toMatchObject({ id: 1022, content: 'Hello from the API' });
    expect(server.requests).toHaveLength(3);
    const expected = JSON.stringify({ content: params.content, message_type: 'outgoing' });
    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe(path);
      expect(request.headers['api_access_token']).toBe(secretToken);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body.toString('utf8')).toBe(expected);
    }
  });

  it('a server that answers 500 receives exactly one request', async () => {
    const server = await serve(sequence(500, 500, 500));
    const error = await clientFor(server)
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 500, mayHaveBeenDelivered: true, body: { error: 'status 500' } });
    expect(server.requests).toHaveLength(1);
  });
});

describe('never retried: the server may have processed the request', () => {
  for (const code of [500, 502, 504]) {
    it(`${code}: one request, ApiError, may have been delivered`, async () => {
      const server = await serve(sequence(code, code, code));
      const error = await clientFor(server)
        .messages.create(params)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ApiError', status: code, mayHaveBeenDelivered: true });
      expect(server.requests).toHaveLength(1);
    });
  }

  it('a timeout: one request, TimeoutError, may have been delivered', async () => {
    const server = await serve(() => {});
    // 1 s against a server that never answers: the one request arrives first, on a loaded machine too.
    const error = await clientFor(server, { timeoutMs: 1_000 })
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: true, timeoutMs: 1_000 });
    expect(server.requests).toHaveLength(1);
    await server.requestConnectionsClosed();
  });

  it('a connection dropped after the request was sent: one request, outcome unknown', async () => {
    const server = await serve((req) => void req.socket.destroy());
    const error = await clientFor(server)
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: true });
    expect((error as Error).message).toMatch(/may have posted the message/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('retried: the server turned the request away', () => {
  it('503 then 200: two requests with the same body', async () => {
    const server = await serve(sequence(503));
    await expect(clientFor(server).messages.create(params)).resolves.toMatchObject({ id: 1022 });
    expect(server.requests.map((r) => r.body.toString())).toEqual([
      JSON.stringify({ content: params.content, message_type: 'outgoing' }),
      JSON.stringify({ content: params.content, message_type: 'outgoing' }),
    ]);
  });

  it('429 on every attempt: retries + 1 requests, then RateLimitError (nothing posted)', async () => {
    const server = await serve(sequence(429, 429, 429, 429, 429));
    const error = await clientFor(server, { retry: { ...fast, retries: 3 } })
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, mayHaveBeenDelivered: false, body: 'Retry later' });
    expect(server.requests).toHaveLength(4);
  });

  it('retry: false and retries: 0 send one request', async () => {
    const off = await serve(sequence(429, 429));
    const zero = await serve(sequence(503, 503));
    await expect(clientFor(off, { retry: false }).messages.create(params)).rejects.toBeInstanceOf(RateLimitError);
    await expect(clientFor(zero, { retry: { retries: 0 } }).messages.create(params)).rejects.toMatchObject({ status: 503 });
    expect([off.requests.length, zero.requests.length]).toEqual([1, 1]);
  });

  it('a per-call retry overrides the client', async () => {
    const server = await serve(sequence(429, 429));
    const client = clientFor(server, { retry: false });
    await expect(client.messages.create(params, { retry: fast })).resolves.toMatchObject({ id: 1022 });
    expect(server.requests).toHaveLength(3);
  });

  it('a connection refused is retried, and the server that comes up gets the one complete body', async () => {
    const port = await closedPort();
    let late: Promise<LoopbackServer> | undefined;
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { retries: 2, minDelayMs: 400, maxDelayMs: 400 },
      debug: (line) => {
        lines.push(line);
        if (line.startsWith('retry: ECONNREFUSED')) late ??= serveOn(port);
      },
    });
    await expect(client.messages.create(params)).resolves.toMatchObject({ id: 1022 });
    const server = await late!;
    expect(server.requests.map((r) => r.body.toString())).toEqual([JSON.stringify({ content: params.content, message_type: 'outgoing' })]);
    expect(lines.filter((l) => l.startsWith('→ '))).toHaveLength(2);
  });

  it('a connection refused on every attempt: ConnectionError ECONNREFUSED, nothing sent', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: fast,
      debug: (l) => lines.push(l),
    });
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveBeenDelivered: false });
    expect((error as Error).message).toMatch(/nothing was sent/);
    expect(lines.filter((l) => l.startsWith('→ '))).toHaveLength(3);
  });
});

function serveOn(port: number): Promise<LoopbackServer> {
  return serve((_req, res) => reply(res, 200, messageJson()), port);
}

describe('how long to wait', () => {
  it('a connection refused: exponential backoff with jitter, each wait within [d/2, d] of the doubled delay', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { retries: 4, minDelayMs: 40, maxDelayMs: 100 },
      debug: (l) => lines.push(l),
    });
    await expect(client.messages.create(params)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const waits = lines
      .flatMap((l) => /^retry: ECONNREFUSED before sending; attempt \d of 5 in (\d+) ms$/.exec(l)?.slice(1) ?? [])
      .map(Number);
    expect(waits).toHaveLength(4);
    // The doubled delay: 40, 80, then capped at maxDelayMs (100).
    [40, 80, 100, 100].forEach((cap, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(cap / 2);
      expect(waits[i]).toBeLessThanOrEqual(cap);
    });
  });

  // Date.parse reads several of these as dates in the past, which made them "retry now".
  for (const value of ['-1', 'wait 60', 'Retry in 5', '5, 10', 'soon, maybe', '1.5']) {
    it(`a 429 with an unreadable Retry-After (${value}) waits for the next minute by the server's Date`, async () => {
      const server = await serve((_req, res) =>
        reply(res, 429, 'Retry later', { 'retry-after': value, date: 'Sun, 29 Nov 2026 14:00:30 GMT' }),
      );
      const error = await clientFor(server)
        .messages.create(params)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RateLimitError', retryAfterMs: 30_000, mayHaveBeenDelivered: false });
      expect(server.requests).toHaveLength(1);
    });

    it(`a 503 with an unreadable Retry-After (${value}) is not retried: the POST may have been forwarded`, async () => {
      const server = await serve((_req, res) => reply(res, 503, 'busy', { 'retry-after': value, 'content-type': 'text/plain' }));
      const error = await clientFor(server)
        .messages.create(params)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ApiError', status: 503, mayHaveBeenDelivered: true });
      expect(server.requests).toHaveLength(1);
    });
  }

  it('a 503 asking to wait longer than maxDelayMs is given up at once', async () => {
    const server = await serve((_req, res) =>
      reply(res, 503, 'down for maintenance', { 'retry-after': '120', 'content-type': 'text/plain' }),
    );
    const error = await clientFor(server)
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ApiError', status: 503, mayHaveBeenDelivered: false });
    expect(server.requests).toHaveLength(1);
  });

  it('a Retry-After date in the past retries without waiting for backoff', async () => {
    const server = await serve((_req, res, i) =>
      i === 0
        ? reply(res, 429, 'Retry later', { 'retry-after': new Date(Date.now() - 60_000).toUTCString() })
        : reply(res, 200, messageJson()),
    );
    const lines: string[] = [];
    await clientFor(server, { retry: { retries: 1, minDelayMs: 60_000, maxDelayMs: 60_000 }, debug: (l) => lines.push(l) }).messages.create(
      params,
    );
    expect(lines).toContain('retry: 429; attempt 2 of 2 in 0 ms');
    expect(server.requests).toHaveLength(2);
  });
});

describe('a fresh copy of the body on every attempt', () => {
  /** Every byte value, so that an encoding slip shows. */
  const bytes = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);

  function boundaryOf(contentType: string | undefined): string {
    const boundary = /boundary=("?)([^";]+)\1/.exec(contentType ?? '')?.[2];
    if (!boundary) throw new Error(`no multipart boundary in ${String(contentType)}`);
    return boundary;
  }

  it('multipart: identical complete bodies (boundary aside) on each of three attempts', async () => {
    const server = await serve(sequence(503, 429));
    const attachments = [
      new File([bytes], 'bytes.bin', { type: 'application/octet-stream' }),
      { data: 'שלום, a text file\n', filename: 'note.txt', contentType: 'text/plain' },
    ];
    const message = await clientFor(server).messages.create({
      ...params,
      content_attributes: { in_reply_to: 7 },
      attachments,
    });
    expect(message.id).toBe(1022);
    expect(server.requests).toHaveLength(3);

    const normalised = server.requests.map((r) => r.body.toString('latin1').split(boundaryOf(r.headers['content-type'])).join('BOUNDARY'));
    expect(new Set(normalised).size).toBe(1);

    // And the body is complete: it parses, and every part holds what was given.
    for (const request of server.requests) {
      const form = await new Response(new Uint8Array(request.body), {
        headers: { 'content-type': request.headers['content-type']! },
      }).formData();
      expect(form.get('content')).toBe(params.content);
      expect(form.get('message_type')).toBe('outgoing');
      expect(form.get('content_attributes')).toBe('{"in_reply_to":7}');
      const files = form.getAll('attachments[]') as File[];
      expect(files.map((f) => [f.name, f.type])).toEqual([
        ['bytes.bin', 'application/octet-stream'],
        ['note.txt', 'text/plain'],
      ]);
      expect(new Uint8Array(await files[0]!.arrayBuffer())).toEqual(bytes);
      expect(await files[1]!.text()).toBe('שלום, a text file\n');
    }
  });

  it('JSON: no "body already used" on the third attempt, with every content type', async () => {
    const server = await serve((_req, res, i) => (i % 3 < 2 ? status(res, 429) : reply(res, 200, messageJson())));
    const client = clientFor(server);
    const bodies: CreateMessageBody[] = [
      { content: 'pick one', content_type: 'input_select', content_attributes: { items: [{ title: 'A', value: 'a' }] } },
      {
        content: 'cards',
        content_type: 'cards',
        content_attributes: { items: [{ title: 'Basic', actions: [{ type: 'postback', text: 'Choose', payload: 'BASIC' }] }] },
      },
      { content: 'form', content_type: 'form', content_attributes: { items: [{ name: 'email', label: 'Email', type: 'email' }] } },
    ];
    for (const body of bodies) await client.messages.create({ account_id: 1, conversation_id: 42, ...body });
    expect(server.requests).toHaveLength(9);
    bodies.forEach((body, i) => {
      const seen = server.requests.slice(i * 3, i * 3 + 3).map((r) => JSON.parse(r.body.toString()) as unknown);
      expect(seen).toEqual([body, body, body]);
    });
  });

  it('client.api retries the same way (429 twice then 200: three requests; 500: one)', async () => {
    const retried = await serve(sequence(429, 429));
    const once = await serve(sequence(500, 500));
    const route = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages' as const;
    const init = { params: { path: { account_id: 1, conversation_id: 42 } }, body: { content: 'via client.api' } };
    const ok = await clientFor(retried).api.POST(route, init);
    const failed = await clientFor(once).api.POST(route, init);
    expect([ok.response.status, failed.response.status]).toEqual([200, 500]);
    expect([retried.requests.length, once.requests.length]).toEqual([3, 1]);
    expect(new Set(retried.requests.map((r) => r.body.toString()))).toEqual(new Set(['{"content":"via client.api"}']));
  });
});

describe('with an injected fetch: what is retried and how often', () => {
  const fast: RetryOptions = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };
  const params = { account_id: 1, conversation_id: 42, content: 'Hello' };

  it('429 is retried: 429, 429, then 200 returns the message after three identical requests', async () => {
    const server = fakeFetch(
      answers(
        () => textResponse('Retry later', 429, { 'retry-after': '0' }),
        () => textResponse('Retry later', 429, { 'retry-after': '0' }),
        () => jsonResponse(sampleMessage),
      ),
    );
    const client = createClient({ apiAccessToken: token, baseUrl, retry: fast, fetch: server.fetch });
    await expect(client.messages.create(params)).resolves.toEqual(sampleMessage);
    expect(server.sent).toHaveLength(3);
    expect(new Set(server.sent.map((r) => `${r.method} ${r.url} ${r.body}`)).size).toBe(1);
  });

  it('429 every time: gives up after retries + 1 requests with a RateLimitError', async () => {
    const { error, sent } = await createWithFake(() => textResponse('Retry later', 429, { 'retry-after': '0' }), fast);
    expect(sent).toHaveLength(3);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).mayHaveBeenDelivered).toBe(false);
  });

  it('429 asking to wait longer than maxDelayMs: gives up at once instead of retrying early', async () => {
    const { error, sent } = await createWithFake(() => textResponse('Retry later', 429, { 'retry-after': '60' }), fast);
    expect(sent).toHaveLength(1);
    expect((error as RateLimitError).retryAfterMs).toBe(60_000);
  });

  it('503 with Retry-After is retried, then 200 returns the message', async () => {
    const server = fakeFetch(
      answers(
        () => textResponse('Service Unavailable', 503, { 'retry-after': '0' }),
        () => jsonResponse(sampleMessage),
      ),
    );
    const client = createClient({ apiAccessToken: token, baseUrl, retry: fast, fetch: server.fetch });
    await expect(client.messages.create(params)).resolves.toEqual(sampleMessage);
    expect(server.sent).toHaveLength(2);
  });

  it('503 without Retry-After (a proxy may have forwarded the POST) → ApiError 503 at once, may have been delivered', async () => {
    const { error, sent } = await createWithFake(() => textResponse('Service Unavailable', 503), fast);
    expect(sent).toHaveLength(1);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).mayHaveBeenDelivered).toBe(true);
  });

  it('503 with Retry-After every time → ApiError 503, nothing delivered', async () => {
    const { error, sent } = await createWithFake(() => textResponse('Service Unavailable', 503, { 'retry-after': '0' }), fast);
    expect(sent).toHaveLength(3);
    expect((error as object).constructor).toBe(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).body).toBe('Service Unavailable');
    expect((error as ApiError).mayHaveBeenDelivered).toBe(false);
  });

  it('a per-call retry: false overrides the client policy', async () => {
    const server = fakeFetch(() => textResponse('Service Unavailable', 503));
    const client = createClient({ apiAccessToken: token, baseUrl, retry: fast, fetch: server.fetch });
    const error = await rejectionOf(client.messages.create(params, { retry: false }));
    expect((error as ApiError).status).toBe(503);
    expect(server.sent).toHaveLength(1);
  });
});

describe('the waits, as properties', () => {
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
      expect(retryWait(429, h({ 'retry-after': '2', date: 'Thu, 15 Jan 2026 12:00:45 GMT' }), false)).toEqual({
        ms: 2_000,
        guessed: false,
      });
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
            answer.includes('flood')
              ? '{"error":"Validation failed: Too many messages"}'
              : status === 429
                ? 'Retry later'
                : '{"error":"no"}',
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
});

describe("a batch item's rate-limit waits", () => {
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
});
