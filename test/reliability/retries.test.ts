// Retries against real loopback servers: only when the server cannot have processed the request,
// with a fresh, complete copy of the body on every attempt.
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import {
  ApiError,
  ConnectionError,
  RateLimitError,
  TimeoutError,
  createClient,
  type ClientOptions,
  type CreateMessageBody,
} from '../../src/index.js';
import { closedPort, messageJson, reply, type Handler, type LoopbackServer } from './loopback-server.js';
import { serversClosedAfterEach } from './leftovers.js';
import { secretToken } from './token-exposure.js';

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
    const error = await clientFor(server, { timeoutMs: 200 })
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: true, timeoutMs: 200 });
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
