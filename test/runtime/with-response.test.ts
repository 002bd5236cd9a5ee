// create(params).withResponse(): the typed message plus the answer it came in and its request id;
// and the request id on every ApiError (field and message), so a support ticket can quote it.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createClient, NotFoundError, RateLimitError, RedirectError } from '../../src/index.js';
import { reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const token = 'tokWithResponseSECRET1234abc';
const message = { id: 7, content: 'Hello', message_type: 1, created_at: 1764096000, conversation_id: 42 };
const params = { account_id: 1, conversation_id: 42, content: 'Hello' };
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('create(params).withResponse()', () => {
  it('gives the typed message, the Response and its X-Request-Id', async () => {
    server = await startServer((_req, res) =>
      reply(res, 200, JSON.stringify(message), { 'content-type': 'application/json', 'x-request-id': 'req-4f2a' }),
    );
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const { data, response, requestId } = await client.messages.create(params).withResponse();
    expect(data).toEqual(message);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(requestId).toBe('req-4f2a');
    expect(server.requests).toHaveLength(1);
  });

  it('sends once whether the promise is awaited, withResponse() is called, or both', async () => {
    server = await startServer((_req, res) => reply(res, 200, JSON.stringify(message), { 'content-type': 'application/json' }));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const call = client.messages.create(params);
    const [plain, full] = await Promise.all([call, call.withResponse()]);
    expect(plain).toEqual(message);
    expect(full.data).toBe(plain);
    expect(full.requestId).toBeUndefined(); // this server sends none
    expect(server.requests).toHaveLength(1);
    // Still a Promise to code that checks (and .catch/.finally work).
    expect(call).toBeInstanceOf(Promise);
    await expect(call.finally(() => {})).resolves.toEqual(message);
  });

  it('rejects with the typed error, and the bad input is refused before anything is sent', async () => {
    server = await startServer((_req, res) =>
      reply(res, 404, '{"error":"Resource could not be found"}', { 'content-type': 'application/json', 'x-request-id': 'req-404' }),
    );
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    await expect(client.messages.create(params).withResponse()).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.messages.create({ ...params, account_id: 0 }).withResponse()).rejects.toMatchObject({
      name: 'InvalidInputError',
      field: 'account_id',
    });
    await expect(client.messages.create({ ...params, account_id: 0 }).catch((e: unknown) => (e as Error).name)).resolves.toBe(
      'InvalidInputError',
    );
    expect(server.requests).toHaveLength(1); // only the valid call reached the server
  });
});

describe('the request id on every ApiError', () => {
  const cases: Array<[number, string, Record<string, string>, new (...args: never[]) => ApiError]> = [
    [404, '{"error":"Resource could not be found"}', {}, NotFoundError],
    [429, 'Retry later', { 'content-type': 'text/plain' }, RateLimitError],
    [500, '', {}, ApiError],
    [302, '', { location: 'https://elsewhere.example/' }, RedirectError],
  ];
  for (const [status, body, headers, kind] of cases) {
    it(`${status}: requestId field and "(request id …)" in the message`, async () => {
      server = await startServer((_req, res) => reply(res, status, body, { ...headers, 'x-request-id': `rid-${status}-9c1e` }));
      const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
      const error = await client.messages.create(params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as ApiError).requestId).toBe(`rid-${status}-9c1e`);
      expect((error as ApiError).message).toContain(`(request id rid-${status}-9c1e)`);
    });
  }

  it('is undefined (and the message says nothing of it) when the server sends none', async () => {
    server = await startServer((_req, res) => reply(res, 404, '{"error":"Resource could not be found"}'));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const error = (await client.messages.create(params).catch((e: unknown) => e)) as ApiError;
    expect(error.requestId).toBeUndefined();
    expect(error.message).not.toContain('request id');
  });

  it('goes through the redactor: a server that puts the token in X-Request-Id does not make us print it', async () => {
    server = await startServer((_req, res) => reply(res, 404, '{}', { 'x-request-id': `echo-${token}` }));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const error = (await client.messages.create(params).catch((e: unknown) => e)) as ApiError;
    expect(error.requestId).toBe('echo-[redacted]');
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain(token);
  });
});
