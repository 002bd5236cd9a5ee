// The API token goes to the configured origin in its header and nowhere else: not to another
// origin (whatever a call overrides), not over plain http to a remote host, not into debug lines,
// errors or the client object. (Every fault of the catalogue is also checked for it.)
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  createClient,
  Digital99Error,
  InvalidInputError,
  MessageType,
  NotFoundError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type ClientOptions,
  type Digital99Client,
} from '../../src/index.js';
import { baseUrl, fakeFetch, jsonResponse, rejectionOf, textResponse, type Answer } from '../unit/fake-fetch.js';
import { reply, startServer, type Handler, type LoopbackServer } from './loopback-server.js';
import { watchUnhandledRejections } from './leftovers.js';
import { linesWithToken, secretToken, tokenExposures } from './token-exposure.js';
import { messageJson } from '../support/sample-message.js';

const params = { account_id: 1, conversation_id: 42, content: 'secret-free content' };
const route = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages' as const;
const apiInit = { params: { path: { account_id: 1, conversation_id: 42 } }, body: { content: 'via client.api' } };

const servers: LoopbackServer[] = [];
const rejections = watchUnhandledRejections();
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  expect(rejections.seen).toEqual([]);
});

async function serve(handler: Handler = (_req, res) => reply(res, 200, messageJson())): Promise<LoopbackServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** The client's server, and another origin that must never see a thing. */
async function twoOrigins(handler?: Handler): Promise<{ own: LoopbackServer; other: LoopbackServer; client: Digital99Client }> {
  const other = await serve();
  const own = await serve(handler ?? ((req, res) => reply(res, 307, '', { location: `${other.url}${req.url ?? ''}` })));
  return { own, other, client: createClient({ apiAccessToken: secretToken, baseUrl: own.url, retry: false }) };
}

function expectUntouched(other: LoopbackServer): void {
  expect(other.requests).toEqual([]);
  expect(other.connectionsOpened()).toBe(0);
}

describe('only to the configured origin', () => {
  it('messages.create: in the api_access_token header only, never in the URL or body', async () => {
    const server = await serve();
    await createClient({ apiAccessToken: secretToken, baseUrl: server.url }).messages.create(params);
    const [request] = server.requests;
    expect(request!.headers['api_access_token']).toBe(secretToken);
    expect(linesWithToken([request!.url, request!.body.toString()])).toEqual([]);
    const carrying = Object.entries(request!.headers).filter(([, value]) => linesWithToken([String(value)]).length > 0);
    expect(carrying.map(([name]) => name)).toEqual(['api_access_token']);
  });

  it("authHeader 'Api-Access-Token' sends that header instead, and only that one", async () => {
    const server = await serve();
    await createClient({ apiAccessToken: secretToken, baseUrl: server.url, authHeader: 'Api-Access-Token' }).messages.create(params);
    const headers = server.requests[0]!.headers;
    expect(headers['api-access-token']).toBe(secretToken);
    expect(headers['api_access_token']).toBeUndefined();
  });

  it('a redirect from messages.create is not followed: RedirectError, the other origin gets nothing', async () => {
    const { own, other, client } = await twoOrigins();
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).location).toBe(`${other.url}/api/v1/accounts/1/conversations/42/messages`);
    expect(own.requests).toHaveLength(1);
    expectUntouched(other);
  });

  it("client.api: a redirect is not followed, even when the call asks for redirect: 'follow'", async () => {
    const { own, other, client } = await twoOrigins();
    const plain = await client.api.POST(route, apiInit);
    const follow = await client.api.POST(route, { ...apiInit, redirect: 'follow' });
    expect([plain.response.status, follow.response.status]).toEqual([307, 307]);
    expect(own.requests).toHaveLength(2);
    expectUntouched(other);
  });

  it('client.api: a per-call baseUrl of another origin is refused before sending', async () => {
    const { other, client } = await twoOrigins();
    const error = await client.api.POST(route, { ...apiInit, baseUrl: other.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^Refusing .*127\.0\.0\.1/);
    expect(tokenExposures(error)).toEqual([]);
    expectUntouched(other);
  });

  it('client.api: a per-call fetch does not bypass the origin check', async () => {
    const { other, client } = await twoOrigins();
    const error = await client.api
      .POST(route, { ...apiInit, baseUrl: other.url, fetch: (input: Request) => globalThis.fetch(input) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expectUntouched(other);
  });

  it('client.api: a 200 that is not JSON and echoes the token gives an error without it', async () => {
    const server = await serve((req, res) =>
      reply(res, 200, String(req.headers['api_access_token']), { 'content-type': 'application/json' }),
    );
    const client = createClient({ apiAccessToken: secretToken, baseUrl: server.url, retry: false });
    const error = await client.api.POST(route, apiInit).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnexpectedResponseError', mayHaveBeenDelivered: true });
    expect(tokenExposures(error)).toEqual([]);
  });

  it('client.api: a middleware that rewrites the request to another origin is refused', async () => {
    const { other, client } = await twoOrigins();
    const rewrite = { onRequest: ({ request }: { request: Request }) => new Request(`${other.url}/steal`, request) };
    const error = await client.api.POST(route, { ...apiInit, middleware: [rewrite] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expectUntouched(other);
  });
});

describe('plain http only to loopback', () => {
  it('is refused for a remote host, naming the fix and not the token', () => {
    const error = (() => {
      try {
        createClient({ apiAccessToken: secretToken, baseUrl: 'http://online.99digital.co.il' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/plain http to online\.99digital\.co\.il.*allowInsecureHttp: true/s);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('is refused for an address the client does not recognise as loopback: no connection is made', async () => {
    // ::ffff:127.0.0.1 reaches this 127.0.0.1 server, but the client does not treat it as loopback.
    const server = await serve();
    const baseUrl = `http://[::ffff:127.0.0.1]:${server.port}`;
    expect(() => createClient({ apiAccessToken: secretToken, baseUrl })).toThrow(ConfigurationError);
    expect(server.connectionsOpened()).toBe(0);
  });

  it('allowInsecureHttp: true lets it through (the user asked for it)', async () => {
    const server = await serve();
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: `http://[::ffff:127.0.0.1]:${server.port}`,
      allowInsecureHttp: true,
    });
    await expect(client.messages.create(params)).resolves.toMatchObject({ id: 1022 });
    expect(server.requests[0]!.headers['api_access_token']).toBe(secretToken);
  });

  it('is allowed to 127.0.0.1 and localhost', async () => {
    const server = await serve();
    for (const host of ['127.0.0.1', 'localhost']) {
      await createClient({ apiAccessToken: secretToken, baseUrl: `http://${host}:${server.port}` }).messages.create(params);
    }
    expect(server.requests).toHaveLength(2);
  });
});

describe('never in debug lines, errors or the client object', () => {
  for (const authHeader of ['api_access_token', 'Api-Access-Token'] as const) {
    it(`debug lines show ${authHeader} as [redacted], through retries and a failure`, async () => {
      const server = await serve((_req, res, i) =>
        i < 2
          ? reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '0', 'set-cookie': `session=${secretToken}` })
          : reply(res, 401, JSON.stringify({ error: `bad token ${secretToken}` }), { 'x-echo-token': secretToken }),
      );
      const lines: string[] = [];
      const client = createClient({
        apiAccessToken: secretToken,
        baseUrl: server.url,
        authHeader,
        retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
        debug: (line) => lines.push(line),
      });
      const error = await client.messages.create(params).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AuthenticationError' });
      expect(tokenExposures(error)).toEqual([]);
      expect(lines.filter((l) => l.startsWith('→ '))).toHaveLength(3);
      expect(lines.filter((l) => l.startsWith('→ ')).every((l) => l.includes(`${authHeader.toLowerCase()}: [redacted]`))).toBe(true);
      expect(lines.some((l) => l.includes('set-cookie: [redacted]'))).toBe(true);
      expect(linesWithToken(lines)).toEqual([]);
    });
  }

  it('a ConfigurationError about a malformed token does not quote it', () => {
    for (const bad of [`${secretToken}\n`, ` ${secretToken}`, `${secretToken}\u0000`, `${secretToken}\u0007`, `${secretToken}é`]) {
      let error: unknown;
      try {
        createClient({ apiAccessToken: bad, baseUrl: 'https://online.99digital.co.il' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(tokenExposures(error)).toEqual([]);
    }
  });

  it.each(['api_access_token', 'Api-Access-Token'] as const)(
    'the client object (authHeader %s) shows no token to util.inspect or JSON.stringify',
    (authHeader) => {
      const client = createClient({ apiAccessToken: secretToken, baseUrl: 'https://online.99digital.co.il', authHeader });
      expect(tokenExposures(client)).toEqual([]);
      expect(tokenExposures(client.api)).toEqual([]);
      expect(linesWithToken([inspect(client.messages, { showHidden: true, depth: Infinity })])).toEqual([]);
    },
  );
});

async function failure(answer: Answer, options: ClientOptions = {}, call?: (client: ReturnType<typeof createClient>) => Promise<unknown>) {
  const server = fakeFetch(answer);
  const lines: string[] = [];
  const client = createClient({
    apiAccessToken: secretToken,
    baseUrl,
    retry: false,
    fetch: server.fetch,
    debug: (line) => lines.push(line),
    ...options,
  });
  const error = await rejectionOf(call ? call(client) : client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' }));
  expect(error).toBeInstanceOf(Digital99Error);
  return { error, lines, sent: server.sent, client };
}

const echoJson = { error: `Invalid Access Token ${secretToken}`, errors: [`token ${secretToken} is not valid`], token: secretToken };

describe('errors never show the token, whatever the server echoes (injected fetch)', () => {
  it.each([
    ['401 echoing the token in JSON', () => jsonResponse(echoJson, 401), AuthenticationError],
    ['404 echoing the token', () => jsonResponse({ error: `no conversation for ${secretToken}` }, 404), NotFoundError],
    ['422 echoing the token', () => jsonResponse({ error: `bad ${secretToken}` }, 422), UnprocessableEntityError],
    ['429 echoing the token as text', () => textResponse(`Retry later, ${secretToken}`, 429), RateLimitError],
    ['500 echoing the token as text', () => textResponse(`NoMethodError for ${secretToken}`, 500), ApiError],
    [
      '401 echoing the token in a response header',
      () => jsonResponse({ error: 'no' }, 401, { 'x-debug-token': secretToken }),
      AuthenticationError,
    ],
  ])('%s: the server saw the token, the error never shows it', async (_name, answer, errorClass) => {
    const { error, lines, sent } = await failure(answer);
    expect(sent[0]?.headers.get('api_access_token')).toBe(secretToken);
    expect(error).toBeInstanceOf(errorClass);
    expect(tokenExposures(error)).toEqual([]);
    expect(lines.join('\n')).not.toContain(secretToken);
  });

  it('redacts the echoed token in the body and message, keeping the rest', async () => {
    const { error } = await failure(() => jsonResponse(echoJson, 401));
    const e = error as AuthenticationError;
    expect(e.body).toEqual({ error: 'Invalid Access Token [redacted]', errors: ['token [redacted] is not valid'], token: '[redacted]' });
    expect(e.message).toContain('failed with 401: Invalid Access Token [redacted].');
  });

  it('a redirect whose Location carries the token', async () => {
    const location = `https://login.example.com/?api_access_token=${secretToken}`;
    const { error, lines } = await failure(() => new Response(null, { status: 302, headers: { location } }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(tokenExposures(error)).toEqual([]);
    expect(lines.join('\n')).not.toContain(secretToken);
  });

  it.each([
    ['an empty 200', () => new Response('', { status: 200 })],
    ['a 200 text body echoing the token', () => textResponse(`ok ${secretToken}`, 200)],
    ['a 200 JSON body echoing the token', () => jsonResponse({ headers: { api_access_token: secretToken } })],
  ])('UnexpectedResponseError for %s', async (_name, answer) => {
    const { error } = await failure(answer);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('ConnectionError from a failing fetch', async () => {
    const { error } = await failure(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('ConnectionError from a fetch whose own error quotes the token', async () => {
    const { error } = await failure((request) => {
      throw new TypeError(`proxy refused request with headers ${JSON.stringify(Object.fromEntries(request.headers))}`);
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('TimeoutError', async () => {
    const { error } = await failure(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => reject(request.signal.reason));
        }),
      { timeoutMs: 20 },
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('AbortedError', async () => {
    const controller = new AbortController();
    const { error } = await failure(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => reject(request.signal.reason));
          controller.abort(new Error('user cancelled'));
        }),
      {},
      (client) => client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' }, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(tokenExposures(error)).toEqual([]);
  });

  it('InvalidInputError', async () => {
    const { error, sent } = await failure(
      () => jsonResponse({}),
      {},
      (client) => client.messages.create({ account_id: '1', conversation_id: 42, content: 'x' } as never),
    );
    expect(sent).toEqual([]);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(tokenExposures(error)).toEqual([]);
  });
});

describe('redaction is for errors only', () => {
  it('returns a message whose content holds the token unchanged', async () => {
    const answered = { id: 1, content: `my token is ${secretToken}`, message_type: MessageType.outgoing, created_at: 1 };
    const server = fakeFetch(() => jsonResponse(answered));
    const client = createClient({ apiAccessToken: secretToken, baseUrl, retry: false, fetch: server.fetch });
    await expect(client.messages.create({ account_id: 1, conversation_id: 42, content: answered.content })).resolves.toEqual(answered);
  });
});

describe('debug lines never show the token', () => {
  it.each(['api_access_token', 'Api-Access-Token'] as const)('debug lines of a sent message redact the %s header', async (authHeader) => {
    const server = fakeFetch();
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl,
      authHeader,
      fetch: server.fetch,
      debug: (line) => lines.push(line),
    });
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' });
    expect(server.sent[0]?.headers.get(authHeader)).toBe(secretToken);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^→ POST https:\/\/online\.99digital\.co\.il\/api\/v1\/accounts\/1\/conversations\/42\/messages \{/);
    expect(lines[0]).toContain(`${authHeader.toLowerCase()}: [redacted]`);
    expect(lines[1]).toMatch(
      /^← 200 POST https:\/\/online\.99digital\.co\.il\/api\/v1\/accounts\/1\/conversations\/42\/messages in \d+ ms/,
    );
    expect(lines.join('\n')).not.toContain(secretToken);
  });

  it('debug lines of retries and of a response header echoing the token', async () => {
    const server = fakeFetch((_request, call) =>
      call === 1
        ? textResponse('Retry later', 429, { 'retry-after': '0', 'x-echo': secretToken, 'set-cookie': `t=${secretToken}` })
        : jsonResponse({}, 200),
    );
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      fetch: server.fetch,
      debug: (line) => lines.push(line),
    });
    await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' }));
    expect(server.sent).toHaveLength(2);
    expect(lines.some((line) => line.startsWith('retry: 429; attempt 2 of 2 in '))).toBe(true);
    expect(lines.join('\n')).not.toContain(secretToken);
  });
});
