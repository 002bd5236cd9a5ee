// The API token never shows: not in any error's message, stack, JSON or util.inspect output, not in
// util.inspect(client), not in debug lines, even when the server echoes it back.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
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
} from '../../src/index.js';
import { baseUrl, fakeFetch, jsonResponse, rejectionOf, textResponse, type Answer } from './fake-fetch.js';

// Distinctive enough that any appearance is a leak, not a coincidence.
const secret = 'tokLEAKCHECK3f9a1c77e2';

/** Every way an error gets shown: none may contain the token. */
function shownForms(value: unknown): string[] {
  const forms = [inspect(value, { depth: 10, showHidden: true }), inspect(value, { depth: 10 }), String(value)];
  try {
    forms.push(JSON.stringify(value) ?? '');
  } catch (error) {
    forms.push(String(error));
  }
  if (value instanceof Error) forms.push(value.message, value.stack ?? '');
  return forms;
}

function expectNoToken(value: unknown) {
  for (const form of shownForms(value)) {
    expect(form).not.toContain(secret);
    // A token cut short is still a leak (V8 quotes 10 characters of a body that is not JSON).
    for (let i = 0; i + 10 <= secret.length; i++) expect(form).not.toContain(secret.slice(i, i + 10));
  }
}

async function failure(answer: Answer, options: ClientOptions = {}, call?: (client: ReturnType<typeof createClient>) => Promise<unknown>) {
  const server = fakeFetch(answer);
  const lines: string[] = [];
  const client = createClient({
    apiAccessToken: secret,
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

const echoJson = { error: `Invalid Access Token ${secret}`, errors: [`token ${secret} is not valid`], token: secret };

describe('errors never show the token', () => {
  it.each([
    ['401 echoing the token in JSON', () => jsonResponse(echoJson, 401), AuthenticationError],
    ['404 echoing the token', () => jsonResponse({ error: `no conversation for ${secret}` }, 404), NotFoundError],
    ['422 echoing the token', () => jsonResponse({ error: `bad ${secret}` }, 422), UnprocessableEntityError],
    ['429 echoing the token as text', () => textResponse(`Retry later, ${secret}`, 429), RateLimitError],
    ['500 echoing the token as text', () => textResponse(`NoMethodError for ${secret}`, 500), ApiError],
    [
      '401 echoing the token in a response header',
      () => jsonResponse({ error: 'no' }, 401, { 'x-debug-token': secret }),
      AuthenticationError,
    ],
  ])('%s: the server saw the token, the error never shows it', async (_name, answer, errorClass) => {
    const { error, lines, sent } = await failure(answer);
    expect(sent[0]?.headers.get('api_access_token')).toBe(secret);
    expect(error).toBeInstanceOf(errorClass);
    expectNoToken(error);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('redacts the echoed token in the body and message, keeping the rest', async () => {
    const { error } = await failure(() => jsonResponse(echoJson, 401));
    const e = error as AuthenticationError;
    expect(e.body).toEqual({ error: 'Invalid Access Token [redacted]', errors: ['token [redacted] is not valid'], token: '[redacted]' });
    expect(e.message).toContain('failed with 401: Invalid Access Token [redacted].');
  });

  it('a redirect whose Location carries the token', async () => {
    const location = `https://login.example.com/?api_access_token=${secret}`;
    const { error, lines } = await failure(() => new Response(null, { status: 302, headers: { location } }));
    expect(error).toBeInstanceOf(RedirectError);
    expectNoToken(error);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it.each([
    ['an empty 200', () => new Response('', { status: 200 })],
    ['a 200 text body echoing the token', () => textResponse(`ok ${secret}`, 200)],
    ['a 200 JSON body echoing the token', () => jsonResponse({ headers: { api_access_token: secret } })],
  ])('UnexpectedResponseError for %s', async (_name, answer) => {
    const { error } = await failure(answer);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expectNoToken(error);
  });

  it('UnexpectedResponseError from client.api for a 200 that is not JSON and echoes the token', async () => {
    const { error } = await failure(
      () => textResponse(secret, 200),
      {},
      (client) =>
        client.api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
          params: { path: { account_id: 1, conversation_id: 42 } },
          body: { content: 'x' },
        }),
    );
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expectNoToken(error);
  });

  it('ConnectionError from a failing fetch', async () => {
    const { error } = await failure(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expectNoToken(error);
  });

  it('ConnectionError from a fetch whose own error quotes the token', async () => {
    const { error } = await failure((request) => {
      throw new TypeError(`proxy refused request with headers ${JSON.stringify(Object.fromEntries(request.headers))}`);
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expectNoToken(error);
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
    expectNoToken(error);
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
    expectNoToken(error);
  });

  it('InvalidInputError', async () => {
    const { error, sent } = await failure(
      () => jsonResponse({}),
      {},
      (client) => client.messages.create({ account_id: '1', conversation_id: 42, content: 'x' } as never),
    );
    expect(sent).toEqual([]);
    expect(error).toBeInstanceOf(InvalidInputError);
    expectNoToken(error);
  });

  it('ConfigurationError for a per-call baseUrl of another origin', async () => {
    const { error, sent } = await failure(
      () => jsonResponse({}),
      {},
      (client) =>
        client.api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
          baseUrl: 'https://evil.example.com',
          params: { path: { account_id: 1, conversation_id: 42 } },
          body: { content: 'x' },
        }),
    );
    expect(sent).toEqual([]);
    expect(error).toBeInstanceOf(ConfigurationError);
    expectNoToken(error);
  });

  it.each([`${secret}\n`, `${secret}\u0000`, `${secret}é`, ` ${secret}`])('ConfigurationError for a malformed token %j', (bad) => {
    let caught: unknown;
    try {
      createClient({ apiAccessToken: bad, fetch: fakeFetch().fetch });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expectNoToken(caught);
  });
});

describe('redaction is for errors only', () => {
  it('returns a message whose content holds the token unchanged', async () => {
    const answered = { id: 1, content: `my token is ${secret}`, message_type: MessageType.outgoing, created_at: 1 };
    const server = fakeFetch(() => jsonResponse(answered));
    const client = createClient({ apiAccessToken: secret, baseUrl, retry: false, fetch: server.fetch });
    await expect(client.messages.create({ account_id: 1, conversation_id: 42, content: answered.content })).resolves.toEqual(answered);
  });
});

describe('the client and debug lines never show the token', () => {
  it.each(['api_access_token', 'Api-Access-Token'] as const)(
    'util.inspect and JSON.stringify of a client (authHeader %s)',
    (authHeader) => {
      const client = createClient({ apiAccessToken: secret, baseUrl, authHeader, fetch: fakeFetch().fetch });
      expectNoToken(client);
      expectNoToken(client.messages);
      expectNoToken(client.api);
    },
  );

  it.each(['api_access_token', 'Api-Access-Token'] as const)('debug lines of a sent message redact the %s header', async (authHeader) => {
    const server = fakeFetch();
    const lines: string[] = [];
    const client = createClient({ apiAccessToken: secret, baseUrl, authHeader, fetch: server.fetch, debug: (line) => lines.push(line) });
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' });
    expect(server.sent[0]?.headers.get(authHeader)).toBe(secret);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^→ POST https:\/\/online\.99digital\.co\.il\/api\/v1\/accounts\/1\/conversations\/42\/messages \{/);
    expect(lines[0]).toContain(`${authHeader.toLowerCase()}: [redacted]`);
    expect(lines[1]).toMatch(
      /^← 200 POST https:\/\/online\.99digital\.co\.il\/api\/v1\/accounts\/1\/conversations\/42\/messages in \d+ ms/,
    );
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('debug lines of retries and of a response header echoing the token', async () => {
    const server = fakeFetch((_request, call) =>
      call === 1
        ? textResponse('Retry later', 429, { 'retry-after': '0', 'x-echo': secret, 'set-cookie': `t=${secret}` })
        : jsonResponse({}, 200),
    );
    const lines: string[] = [];
    const client = createClient({
      apiAccessToken: secret,
      baseUrl,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      fetch: server.fetch,
      debug: (line) => lines.push(line),
    });
    await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' }));
    expect(server.sent).toHaveLength(2);
    expect(lines.some((line) => line.startsWith('retry: 429; attempt 2 of 2 in '))).toBe(true);
    expect(lines.join('\n')).not.toContain(secret);
  });
});
