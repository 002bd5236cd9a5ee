// The mock answers as the server does where a newcomer looks first (issue 23): a request that
// breaks the spec gets a 422 whose `error` says what is actually wrong, with its path (not the
// spec's sample 422); every answer carries a request id, so errors say "(request id …)"; and the
// created message carries created_at_exact, as 99digital's server sends it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, NotFoundError } from '../../src/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';
import { messagesUrl, readAnswer } from '../spec/openapi.js';

let mock: SharedPrismMock;
beforeAll(async () => {
  mock = await startMockOnSharedPrism();
});
afterEach(() => {
  expect(mock.queued).toBe(0);
  mock.reset();
});
afterAll(() => mock?.close());

const token = 'answersTestToken12345';
const client = () => createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("a request that breaks the spec: the 422 says what is wrong, in the server's { error } shape", () => {
  const cases: Array<[string, string | number, unknown, string]> = [
    [
      'input_select without content_attributes',
      1,
      { content: 'Pick one', content_type: 'input_select' },
      "Request body must have required property 'content_attributes' (at body.content_attributes; the request breaks openapi.yaml)",
    ],
    [
      'a non-numeric account id (/accounts/abc/)',
      'abc',
      { content: 'Hi' },
      'Request path parameter account_id must be integer (at path.account_id; the request breaks openapi.yaml)',
    ],
    [
      'a body without content and without anything else',
      1,
      {},
      'Send content, attachments, template_params or email addresses: the server would post an empty message. (at body.content; the request breaks openapi.yaml)',
    ],
    [
      'content of the wrong type',
      1,
      { content: 5 },
      'Request body property content must be string (at body.content; the request breaks openapi.yaml)',
    ],
    [
      'an unknown message_type',
      1,
      { content: 'Hi', message_type: 'outbound' },
      'Request body property message_type must be equal to one of the allowed values: incoming, outgoing, activity, template (at body.message_type; the request breaks openapi.yaml)',
    ],
  ];

  it.each(cases)('%s, sent as curl would', async (_name, accountId, body, reason) => {
    const answer = await readAnswer(
      await fetch(messagesUrl(mock.url, accountId), {
        method: 'POST',
        headers: { 'content-type': 'application/json', api_access_token: token },
        body: JSON.stringify(body),
      }),
    );
    expect(answer.status).toBe(422);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ error: reason });
    // Prism's full list stays in its header, for whoever wants every branch.
    expect(answer.violations.length).toBeGreaterThan(0);
    expect(mock.requests.map((request) => [request.answeredBy, request.status])).toEqual([['prism', 422]]);
  });

  it.each(cases)('%s, through client.api.POST', async (_name, accountId, body, reason) => {
    const { data, error, response } = await client().api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
      params: { path: { account_id: accountId as number, conversation_id: 42 } },
      body: body as never,
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(422);
    expect(error).toEqual({ error: reason });
  });
});

describe('every answer carries a request id (X-Request-Id, a UUID, as Rails sends)', () => {
  it('a created message, a 422, a 401 and a queued 429 each get their own', async () => {
    mock.enqueue({ status: 429 });
    const responses = [
      await fetch(messagesUrl(mock.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', api_access_token: token },
        body: '{}',
      }),
      await fetch(messagesUrl(mock.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', api_access_token: token },
        body: '{"content":"Hi"}',
      }),
      await fetch(messagesUrl(mock.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', api_access_token: token },
        body: '{}',
      }),
      await fetch(messagesUrl(mock.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"Hi"}' }),
    ];
    for (const response of responses) await response.arrayBuffer();
    expect(responses.map((response) => response.status)).toEqual([429, 200, 422, 401]);
    const ids = responses.map((response) => response.headers.get('x-request-id') ?? '');
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a queued answer keeps the request id it was given', async () => {
    mock.enqueue({ status: 503, headers: { 'X-Request-Id': 'given-id' } });
    const response = await fetch(messagesUrl(mock.url), { method: 'POST', headers: { api_access_token: token }, body: '' });
    await response.arrayBuffer();
    expect(response.headers.get('x-request-id')).toBe('given-id');
  });

  it('so the client\'s errors say "(request id …)"', async () => {
    mock.enqueue({ status: 404 });
    const error = await client()
      .messages.create({ account_id: 1, conversation_id: 42, content: 'Hi' })
      .catch((caught: unknown) => caught);
    if (!(error instanceof NotFoundError)) return expect.fail(`expected a NotFoundError, got ${String(error)}`);
    expect(error.requestId).toMatch(UUID);
    expect(error.message).toContain(`(request id ${error.requestId})`);
  });
});

describe('the created message carries created_at_exact (99digital: ISO 8601, to the millisecond, UTC)', () => {
  it('the same second as created_at', async () => {
    const message = await client().messages.create({ account_id: 1, conversation_id: 42, content: 'Hi' });
    expect(message.created_at_exact).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.floor(Date.parse(message.created_at_exact ?? '') / 1000)).toBe(message.created_at);
  });
});
