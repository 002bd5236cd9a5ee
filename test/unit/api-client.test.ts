// client.api: the openapi-fetch client typed by the spec, with the same token header, retries and
// origin guard as client.messages.
import { describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, createClient } from '../../src/index.js';
import { answers, baseUrl, fakeFetch, jsonResponse, messagesUrl, rejectionOf, textResponse, token, type Answer } from './fake-fetch.js';
import { sampleMessage } from '../support/sample-message.js';

const path = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
const ids = { path: { account_id: 1, conversation_id: 42 } };

function setup(answer?: Answer) {
  const server = fakeFetch(answer);
  const client = createClient({ apiAccessToken: token, baseUrl, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 }, fetch: server.fetch });
  return { client, sent: server.sent };
}

describe('client.api', () => {
  it('POSTs with the token header and returns { data, response }', async () => {
    const { client, sent } = setup();
    const { data, error, response } = await client.api.POST(path, { params: ids, body: { content: 'Hi', content_type: 'text' } });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe(messagesUrl(1, 42));
    expect(sent[0]?.headers.get('api_access_token')).toBe(token);
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(sent[0]?.redirect).toBe('manual');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'Hi', content_type: 'text' });
    expect(data).toEqual(sampleMessage);
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
  });

  it('answers an HTTP error as { error, response }, the openapi-fetch way', async () => {
    const { client, sent } = setup(() => jsonResponse({ error: 'Resource could not be found' }, 404));
    const { data, error, response } = await client.api.POST(path, { params: ids, body: { content: 'Hi' } });
    expect(sent).toHaveLength(1);
    expect(data).toBeUndefined();
    expect(error).toEqual({ error: 'Resource could not be found' });
    expect(response.status).toBe(404);
  });

  it('retries 429 like messages.create', async () => {
    const { client, sent } = setup(
      answers(
        () => textResponse('Retry later', 429, { 'retry-after': '0' }),
        () => jsonResponse(sampleMessage),
      ),
    );
    const { data } = await client.api.POST(path, { params: ids, body: { content: 'Hi' } });
    expect(data).toEqual(sampleMessage);
    expect(sent).toHaveLength(2);
  });

  it('throws a ConnectionError (nothing delivered) when the connection is refused every time', async () => {
    const server = fakeFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      });
    });
    const client = createClient({
      apiAccessToken: token,
      baseUrl,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      fetch: server.fetch,
    });
    const error = await rejectionOf(client.api.POST(path, { params: ids, body: { content: 'Hi' } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    expect((error as ConnectionError).mayHaveBeenDelivered).toBe(false);
    expect(server.sent).toHaveLength(2);
  });

  it('allows a per-call baseUrl on the same origin', async () => {
    const { client, sent } = setup();
    await client.api.POST(path, { baseUrl: `${baseUrl}/v2`, params: ids, body: { content: 'Hi' } });
    expect(sent.map((r) => r.url)).toEqual([messagesUrl(1, 42, `${baseUrl}/v2`)]);
  });

  it.each([
    'https://evil.example.com',
    'https://online.99digital.co.il.evil.example.com',
    'https://online.99digital.co.il@evil.example.com',
    'https://online.99digital.co.il:8443',
    'http://online.99digital.co.il',
  ])('refuses a per-call baseUrl of another origin (%s) before sending', async (otherBaseUrl) => {
    const { client, sent } = setup();
    const error = await rejectionOf(client.api.POST(path, { baseUrl: otherBaseUrl, params: ids, body: { content: 'Hi' } }));
    expect(sent).toEqual([]);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^Refusing to send the API token to .*: this client is configured for https:\/\/online\.99digital\.co\.il\. Create another client for that server\.$/,
    );
    expect((error as Error).message).not.toContain(token);
  });

  it('refuses another origin even when the call also passes its own fetch', async () => {
    const { client, sent } = setup();
    const own = fakeFetch();
    const error = await rejectionOf(
      client.api.POST(path, { baseUrl: 'https://evil.example.com', fetch: own.fetch, params: ids, body: { content: 'Hi' } }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(sent).toEqual([]);
    expect(own.sent).toEqual([]);
  });

  it('does not follow redirects even when the call asks for redirect: "follow"', async () => {
    const { client, sent } = setup();
    await client.api.POST(path, { redirect: 'follow', params: ids, body: { content: 'Hi' } });
    expect(sent.map((r) => r.redirect)).toEqual(['manual']);
  });
});
