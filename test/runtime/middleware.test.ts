// client.api.use(): openapi-fetch middleware wraps messages.create as well, once per attempt. The
// README's example (a tracing header, timing each attempt) runs here against a real loopback
// server; and no middleware ever sees the token, which the transport adds after them.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const token = 'tokMiddlewareSECRET5678abcd';
const message = JSON.stringify({ id: 7, content: 'Hello', message_type: 1, created_at: 1764096000 });
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('client.api.use() around messages.create', () => {
  it('adds a tracing header to every attempt and times each one (429, then 200)', async () => {
    server = await startServer((_req, res, index) =>
      index === 0
        ? reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '0' })
        : reply(res, 200, message, { 'content-type': 'application/json' }),
    );
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: { retries: 2, minDelayMs: 10, maxDelayMs: 20 } });

    // The example in README.md ("Middleware"), as written there.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const started = new Map<string, number>();
    const attempts: Array<{ status: number; ms: number }> = [];
    client.api.use({
      onRequest({ request, id }) {
        started.set(id, performance.now());
        request.headers.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
        return request;
      },
      onResponse({ response, id }) {
        attempts.push({ status: response.status, ms: performance.now() - (started.get(id) ?? 0) });
        started.delete(id);
      },
    });

    const sent = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
    expect(sent.id).toBe(7);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers['traceparent']).toBe(`00-${traceId}-00f067aa0ba902b7-01`);
      expect(request.headers['api_access_token']).toBe(token);
    }
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    for (const a of attempts) expect(a.ms).toBeGreaterThanOrEqual(0);
    expect(started.size).toBe(0);
  });

  it('never shows the token to a middleware (request, response, or a replaced Request), yet the server gets it', async () => {
    server = await startServer((_req, res) => reply(res, 200, message, { 'content-type': 'application/json' }));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const seen: string[] = [];
    const record = (request: Request) => {
      for (const [name, value] of request.headers) seen.push(`${name}: ${value}`);
    };
    client.api.use({
      onRequest({ request }) {
        record(request);
        // A middleware that builds a new Request (openapi-fetch allows it) still gets the token added.
        return new Request(request, { headers: { ...Object.fromEntries(request.headers), 'x-replaced': 'yes' } });
      },
      onResponse({ request }) {
        record(request);
      },
    });
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
    await client.api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
      params: { path: { account_id: 1, conversation_id: 42 } },
      body: { content: 'Hello again' },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('\n')).not.toContain(token);
    expect(seen.join('\n')).not.toMatch(/api_access_token/i);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers['api_access_token']).toBe(token);
      expect(request.headers['x-replaced']).toBe('yes');
    }
  });

  it('a header a middleware sets under the token header name is overwritten by the configured token', async () => {
    server = await startServer((_req, res) => reply(res, 200, message, { 'content-type': 'application/json' }));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    client.api.use({ onRequest: ({ request }) => void request.headers.set('api_access_token', 'someone-elses') });
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
    expect(server.requests[0]?.headers['api_access_token']).toBe(token);
  });
});
