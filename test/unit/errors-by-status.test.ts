// HTTP status → error class. Each case shows how many requests reached the server and what the
// caller got: the class, status, parsed body, and whether the message may have been delivered.
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  createClient,
  NotFoundError,
  RateLimitError,
  RedirectError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type RetryOptions,
} from '../../src/index.js';
import { answers, baseUrl, createWithFake, fakeFetch, jsonResponse, messagesUrl, textResponse, token } from './fake-fetch.js';
import { sampleMessage } from '../support/sample-message.js';

const fast: RetryOptions = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };
const params = { account_id: 1, conversation_id: 42, content: 'Hello' };

const problem = {
  type: 'https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY',
  title: 'Invalid request',
  status: 422,
  detail: 'Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.',
  validation: [{ location: ['body', 'content'], severity: 'Error', code: 'type', message: 'Request body property content must be string' }],
};

describe('HTTP errors', () => {
  it.each([
    [
      '401 {error}',
      401,
      { error: 'Invalid Access Token' },
      AuthenticationError,
      /failed with 401: Invalid Access Token\. Check the API access token/,
    ],
    [
      '401 {errors: [...]}',
      401,
      { errors: ['You are not authorized', 'Token expired'] },
      AuthenticationError,
      /failed with 401: You are not authorized; Token expired\./,
    ],
    [
      '404',
      404,
      { error: 'Resource could not be found' },
      NotFoundError,
      /failed with 404: Resource could not be found\. Check account_id and conversation_id/,
    ],
    [
      '422 {error}',
      422,
      { error: 'Content is too long (maximum is 150000 characters)' },
      UnprocessableEntityError,
      /failed with 422: Content is too long.*nothing was posted/,
    ],
    ['400', 400, { error: 'Bad request' }, ApiError, /failed with 400: Bad request\.$/],
    ['403', 403, { error: 'Forbidden' }, ApiError, /failed with 403: Forbidden\.$/],
    ['409', 409, { message: 'Conflict' }, ApiError, /failed with 409: Conflict\.$/],
  ])('%s → %O, nothing delivered, one request', async (_name, status, body, errorClass, message) => {
    const { error, sent } = await createWithFake(() => jsonResponse(body, status), fast);
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as object).constructor).toBe(errorClass);
    const e = error as ApiError;
    expect(e.status).toBe(status);
    expect(e.body).toEqual(body);
    expect(e.mayHaveBeenDelivered).toBe(false);
    expect(e.method).toBe('POST');
    expect(e.url).toBe(messagesUrl(1, 42));
    expect(e.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(e.message).toMatch(/^POST \/api\/v1\/accounts\/1\/conversations\/42\/messages failed with/);
    expect(e.message).toMatch(message);
  });

  it('401 suggests the Api-Access-Token header for proxies that drop underscores', async () => {
    const { error } = await createWithFake(() => jsonResponse({ error: 'Invalid Access Token' }, 401));
    expect((error as Error).message).toContain("use createClient({ authHeader: 'Api-Access-Token' })");
  });

  it("422 from Prism (application/problem+json) → UnprocessableEntityError with Prism's body parsed", async () => {
    const { error, sent } = await createWithFake(() => jsonResponse(problem, 422, { 'content-type': 'application/problem+json' }));
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    const e = error as UnprocessableEntityError;
    expect(e.body).toEqual(problem);
    expect(e.message).toContain(`failed with 422: Invalid request: ${problem.detail}`);
    expect(e.mayHaveBeenDelivered).toBe(false);
  });

  it('429 "Retry later" (text/plain, no Retry-After) without retries → RateLimitError with the text body', async () => {
    const { error, sent } = await createWithFake(() => textResponse('Retry later', 429));
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(RateLimitError);
    const e = error as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.body).toBe('Retry later');
    // No Retry-After and no Date header: one whole window of the server's limit.
    expect(e.retryAfterMs).toBe(60_000);
    expect(e.mayHaveBeenDelivered).toBe(false);
    expect(e.message).toMatch(/failed with 429: Retry later\. Rate limited; send again in 60 s\. Nothing was posted\.$/);
  });

  it('429 with Retry-After: 7 → retryAfterMs 7000, and the message says how long to wait', async () => {
    const { error } = await createWithFake(() => textResponse('Retry later', 429, { 'retry-after': '7' }));
    const e = error as RateLimitError;
    expect(e.retryAfterMs).toBe(7000);
    expect(e.headers['retry-after']).toBe('7');
    expect(e.message).toContain('send again in 7 s');
  });

  it.each([500, 502, 504])('%i → ApiError that may have been delivered, never retried', async (status) => {
    const { error, sent } = await createWithFake(() => jsonResponse({ error: 'Internal Server Error' }, status), fast);
    expect(sent).toHaveLength(1);
    expect((error as object).constructor).toBe(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(status);
    expect(e.body).toEqual({ error: 'Internal Server Error' });
    expect(e.mayHaveBeenDelivered).toBe(true);
    expect(e.message).toMatch(/The server may have posted the message: check the conversation before sending it again\.$/);
  });

  it('a 502 from a proxy with an HTML body keeps the text as body', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    const { error } = await createWithFake(() => new Response(html, { status: 502, headers: { 'content-type': 'text/html' } }));
    expect((error as ApiError).body).toBe(html);
  });

  it('retries a multipart message with the same parts', async () => {
    const server = fakeFetch(
      answers(
        () => textResponse('Retry later', 429, { 'retry-after': '0' }),
        () => jsonResponse(sampleMessage),
      ),
    );
    const client = createClient({ apiAccessToken: token, baseUrl, retry: fast, fetch: server.fetch });
    await client.messages.create({ ...params, attachments: [{ data: 'abc', filename: 'a.txt', contentType: 'text/plain' }] });
    expect(server.sent).toHaveLength(2);
    const parts = await Promise.all(
      server.sent.map(async (r) => {
        const file = r.form?.get('attachments[]') as File;
        return { content: r.form?.get('content'), name: file.name, text: await file.text() };
      }),
    );
    expect(parts).toEqual([
      { content: 'Hello', name: 'a.txt', text: 'abc' },
      { content: 'Hello', name: 'a.txt', text: 'abc' },
    ]);
  });
});

describe('redirects are not followed', () => {
  it.each([301, 302, 303, 307, 308])('%i with Location → RedirectError after exactly one request', async (status) => {
    const location = 'https://elsewhere.example.com/api/v1/accounts/1/conversations/42/messages';
    const { error, sent } = await createWithFake(() => new Response(null, { status, headers: { location } }), fast);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(messagesUrl(1, 42));
    expect(error).toBeInstanceOf(RedirectError);
    const e = error as RedirectError;
    expect(e.status).toBe(status);
    expect(e.location).toBe(location);
    // A 303 See Other answers a POST the server processed.
    expect(e.mayHaveBeenDelivered).toBe(status === 303);
    expect(e.message).toContain(`answered with a redirect (${status}) to ${location}`);
    expect(e.message).toContain('set baseUrl to the final address');
  });

  it('a 302 without Location says the location is unknown', async () => {
    const { error } = await createWithFake(() => new Response(null, { status: 302 }));
    expect((error as RedirectError).location).toBeUndefined();
    expect((error as Error).message).toContain('to an unknown location');
  });
});

describe('a 2xx that is not a message → UnexpectedResponseError (probably posted)', () => {
  it.each([
    [
      'an empty body',
      () => new Response('', { status: 200 }),
      200,
      '',
      /answered 200 with an empty body; the message was probably posted\./,
    ],
    [
      'Content-Length: 0',
      () => new Response('', { status: 201, headers: { 'content-length': '0' } }),
      201,
      '',
      /answered 201 with an empty body/,
    ],
    ['204 No Content', () => new Response(null, { status: 204 }), 204, '', /answered 204 with an empty body/],
    ['a body that is not JSON', () => textResponse('OK', 200), 200, 'OK', /answered 200 with a body that is not JSON \(OK\)/],
    [
      'an HTML page',
      () => new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      200,
      '<html>login</html>',
      /not JSON/,
    ],
    [
      'a JSON array',
      () => jsonResponse([{ id: 1 }]),
      200,
      '[{"id":1}]',
      /JSON that is not a message \(expected id, message_type, created_at\)/,
    ],
    ['JSON without an id', () => jsonResponse({ ...sampleMessage, id: undefined }), 200, undefined, /JSON that is not a message/],
    ['JSON with a string id', () => jsonResponse({ ...sampleMessage, id: '101' }), 200, undefined, /JSON that is not a message/],
    ['JSON null', () => jsonResponse(null), 200, 'null', /JSON that is not a message/],
  ])('%s', async (_name, answer, status, body, message) => {
    const { error, sent } = await createWithFake(answer, fast);
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    const e = error as UnexpectedResponseError;
    expect(e.status).toBe(status);
    if (body !== undefined) expect(e.body).toBe(body);
    expect(e.mayHaveBeenDelivered).toBe(true);
    expect(e.message).toMatch(message);
  });

  it('cuts a long body to 200 characters', async () => {
    const { error } = await createWithFake(() => textResponse('x'.repeat(5000), 200));
    expect((error as UnexpectedResponseError).body).toBe(`${'x'.repeat(200)}…`);
  });
});
