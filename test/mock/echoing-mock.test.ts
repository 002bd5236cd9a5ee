// The mock answers like the server (its front server, in front of the run's shared Prism process): the
// message built from each request (every content_type the spec accepts, every message_type,
// files), checked with Ajv against the spec's Message schema; `requests` shows what reached it;
// queued failures reach the client as its typed errors; Prism still refuses invalid requests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  ConfigurationError,
  ConnectionError,
  ConversationRateLimitError,
  createClient,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
} from '../../src/index.js';
import type { RecordedFile } from '../../src/testing/index.js';
import { deref, formatViolations, messagesUrl, postMessage, readAnswer, requestExamples, spec, type Json } from '../spec/openapi.js';
import { formatErrors, validatorFor } from '../spec/schemas.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';

let mock: SharedPrismMock;
beforeAll(async () => {
  mock = await startMockOnSharedPrism();
});
afterEach(() => {
  // A queued answer left over would be a test that did not send what it meant to.
  expect(mock.queued).toBe(0);
  mock.reset();
});
afterAll(() => mock?.close());

const validateMessage = validatorFor('#/components/schemas/Message');
const token = 'echoTestToken1234567';

function client(options: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false, ...options });
}

function expectValidMessage(body: unknown): void {
  expect(validateMessage(body), formatErrors(validateMessage.errors)).toBe(true);
}

/** The server's numbering of message_type in responses (Chatwoot's enum). */
const serverMessageType = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;

describe('valid requests are answered with the message built from them', () => {
  const examples = requestExamples('application/json');

  it('the JSON request examples cover every content_type the spec accepts', () => {
    const accepted: string[] = spec.components.schemas.CreateMessageMultipartRequest.properties.content_type.enum;
    const covered = new Set(examples.map(([, body]) => (body.content_type as string | undefined) ?? 'text'));
    expect([...covered].sort()).toEqual([...accepted].sort());
  });

  it.each(examples)('%s: the same content, content_type, content_attributes, private and echo_id', async (_name, body) => {
    const before = Math.floor(Date.now() / 1000);
    // Sent as is (the spec's example, straight to the mock), so that only the spec judges it.
    const answer = await readAnswer(
      await fetch(messagesUrl(mock.url, 3, 77), {
        method: 'POST',
        headers: { 'content-type': 'application/json', api_access_token: token },
        body: JSON.stringify(body),
      }),
    );
    expect(answer.status, formatViolations(answer.violations)).toBe(200);
    const message = answer.body as Json;
    expectValidMessage(message);
    const { in_reply_to: inReplyTo, in_reply_to_external_id: inReplyToExternal, ...attributes } = (body.content_attributes ?? {}) as Json;
    const type = (body.message_type ?? 'outgoing') as keyof typeof serverMessageType;
    const senderType = type !== 'outgoing' ? 'contact' : body.sender_type === 'AgentBot' ? 'agent_bot' : 'user';
    expect(message).toMatchObject({
      // No content sent (an interactive message): the server's message has content null.
      content: body.content ?? null,
      content_type: body.content_type ?? 'text',
      content_attributes: {
        ...attributes,
        ...(body.external_created_at === undefined ? {} : { external_created_at: body.external_created_at }),
      },
      private: body.private ?? false,
      conversation_id: 77,
      message_type: serverMessageType[type],
      status: 'sent',
      source_id: body.source_id ?? null,
      sender: { type: senderType, ...(senderType === 'agent_bot' ? { id: body.sender_id } : {}) },
    });
    // The server answers a reply with the message it found in the conversation: none here.
    if (inReplyTo !== undefined || inReplyToExternal !== undefined) {
      expect(message.content_attributes).toMatchObject({ in_reply_to: null, in_reply_to_external_id: null });
    }
    if (body.echo_id === undefined) expect(message).not.toHaveProperty('echo_id');
    else expect(message.echo_id).toBe(body.echo_id);
    expect(message).not.toHaveProperty('attachments');
    expect(message.created_at).toBeGreaterThanOrEqual(before);
    expect(message.created_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('numbers message_type as the server does; the sender is the agent for outgoing, else the contact', async () => {
    const sent = [];
    for (const type of ['incoming', 'outgoing', 'activity', 'template'] as const) {
      const message = await client().messages.create({
        account_id: 1,
        conversation_id: 42,
        content: `a ${type} message`,
        message_type: type,
      });
      expectValidMessage(message);
      sent.push([message.message_type, (message.sender as Json | undefined)?.type]);
    }
    expect(sent).toEqual([
      [0, 'contact'],
      [1, 'user'],
      [2, 'contact'],
      [3, 'contact'],
    ]);
  });

  it('ids increase; a reply to a message of the same conversation keeps its id', async () => {
    const first = await client().messages.create({ account_id: 1, conversation_id: 42, content: 'first' });
    const second = await client().messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'second',
      content_attributes: { in_reply_to: first.id },
    });
    const elsewhere = await client().messages.create({
      account_id: 1,
      conversation_id: 43,
      content: 'elsewhere',
      content_attributes: { in_reply_to: first.id },
    });
    expect(second.id).toBeGreaterThan(first.id);
    expect(elsewhere.id).toBeGreaterThan(second.id);
    expect(second.content_attributes).toEqual({ in_reply_to: first.id, in_reply_to_external_id: null });
    expect(elsewhere.content_attributes).toEqual({ in_reply_to: null, in_reply_to_external_id: null });
  });

  it('a reply by external id finds the message with that source_id in the conversation', async () => {
    // source_id and in_reply_to_external_id are sent as the server reads them, past the client's types.
    const post = (body: Json) => postMessage(mock.url, body);
    const imported = await post({ content: 'imported', message_type: 'incoming', source_id: 'crm-1' });
    expect(imported.body).toMatchObject({ source_id: 'crm-1', message_type: 0 });
    const reply = await post({ content: 'reply', content_attributes: { in_reply_to_external_id: 'crm-1' } });
    expect(reply.status, JSON.stringify(reply.violations)).toBe(200);
    expect((reply.body as Json).content_attributes).toEqual({ in_reply_to_external_id: 'crm-1', in_reply_to: (imported.body as Json).id });
  });

  it('files: one attachment per part, file_type from its media type, file_size from its bytes, served at data_url', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const message = await client().messages.create({
      account_id: 5,
      conversation_id: 8,
      content: 'Your documents',
      private: true,
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'Got them', value: 'ok' }] },
      echo_id: 'files-1',
      attachments: [
        { data: png, filename: 'photo.png', contentType: 'image/png' },
        { data: 'OggS fake audio', filename: 'note.ogg', contentType: 'audio/ogg' },
        { data: 'MP4 fake video bytes', filename: 'clip.mp4', contentType: 'video/mp4' },
        { data: '%PDF-1.4 invoice', filename: 'invoice.pdf', contentType: 'application/pdf' },
      ],
    });
    expectValidMessage(message);
    expect(message).toMatchObject({
      content: 'Your documents',
      private: true,
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'Got them', value: 'ok' }] },
      echo_id: 'files-1',
      conversation_id: 8,
    });
    // Read loosely: the Attachment schema is a union of shapes by file_type.
    const attachments = (message.attachments ?? []) as Json[];
    expect(attachments.map((a) => [a.file_type, a.file_size, a.message_id, a.account_id])).toEqual([
      ['image', png.byteLength, message.id, 5],
      ['audio', 'OggS fake audio'.length, message.id, 5],
      ['video', 'MP4 fake video bytes'.length, message.id, 5],
      ['file', '%PDF-1.4 invoice'.length, message.id, 5],
    ]);
    expect(new Set(attachments.map((a) => a.id)).size).toBe(4);
    // Only images get a thumbnail; audio also carries its (empty) transcription, as on the server.
    expect(attachments.map((a) => a.thumb_url !== '')).toEqual([true, false, false, false]);
    expect(attachments[1]?.transcribed_text).toBe('');
    const image = await fetch(attachments[0]?.data_url ?? '');
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(png);

    const [request] = mock.requests;
    expect(request?.body).toEqual({
      content: 'Your documents',
      private: 'true',
      content_type: 'input_select',
      content_attributes: '{"items":[{"title":"Got them","value":"ok"}]}',
      echo_id: 'files-1',
    });
    const files = (request?.parts ?? []).filter((part): part is RecordedFile => 'filename' in part);
    expect(files.map((file) => [file.name, file.filename, file.type, file.size])).toEqual([
      ['attachments[]', 'photo.png', 'image/png', png.byteLength],
      ['attachments[]', 'note.ogg', 'audio/ogg', 15],
      ['attachments[]', 'clip.mp4', 'video/mp4', 20],
      ['attachments[]', 'invoice.pdf', 'application/pdf', 16],
    ]);
    expect(files[0]?.bytes).toEqual(png);
  });

  it('answers with JSON in UTF-8 and a request id, as Rails does', async () => {
    const response = await fetch(messagesUrl(mock.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: token },
      body: '{"content":"Hi"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ content: 'Hi' });
  });

  it('a request naming a response example (Prefer: example=…) gets that example', async () => {
    const answer = await postMessage(mock.url, { content: 'x' }, { prefer: 'example=cards' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(deref({ $ref: '#/components/examples/CardsMessageResponse' }).value);
  });
});

describe('requests: what reached the mock', () => {
  it('lists method, path, headers (the token as sent) and the parsed body, in order; reset() clears them', async () => {
    await client().messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'Order 4411 shipped',
      private: true,
      content_type: 'text',
    });
    await client({ authHeader: 'Api-Access-Token' }).messages.create({ account_id: 2, conversation_id: 9, content: 'second' });
    const requests = mock.requests;
    expect(requests.map((r) => [r.method, r.path, r.answeredBy, r.status])).toEqual([
      ['POST', '/api/v1/accounts/1/conversations/42/messages', 'prism', 200],
      ['POST', '/api/v1/accounts/2/conversations/9/messages', 'prism', 200],
    ]);
    expect(requests[0]?.headers['api_access_token']).toBe(token);
    expect(requests[1]?.headers['api-access-token']).toBe(token);
    expect(requests[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(requests[0]?.body).toEqual({ content: 'Order 4411 shipped', private: true, content_type: 'text' });
    expect(requests[0]?.parts).toBeUndefined();
    expect(requests[1]?.headers).not.toHaveProperty('api_access_token');
    // A copy: changing it changes nothing in the mock.
    (requests as unknown[]).length = 0;
    expect(mock.requests).toHaveLength(2);

    mock.reset();
    expect(mock.requests).toEqual([]);
    await client().messages.create({ account_id: 1, conversation_id: 42, content: 'after reset' });
    expect(mock.requests.map((r) => r.body)).toEqual([{ content: 'after reset' }]);
  });
});

describe('queued failures reach the client as its typed errors', () => {
  const params = { account_id: 1, conversation_id: 42, content: 'Hello' } as const;

  it('429: RateLimitError with the server\'s "Retry later" text, waiting for the next one-minute window', async () => {
    mock.enqueue({ status: 429 });
    const error = await client()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, body: 'Retry later\n', mayHaveBeenDelivered: false });
    // No Retry-After, as the server sends it: the wait runs to the next window by the Date header.
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(0);
    expect((error as RateLimitError).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(mock.requests.map((r) => [r.answeredBy, r.status])).toEqual([['queue', 429]]);
  });

  it("422 flood limit: ConversationRateLimitError with the server's body; another 422: UnprocessableEntityError", async () => {
    mock.enqueue({ status: 422, body: { error: 'Validation failed: Too many messages' } });
    const error = await client()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConversationRateLimitError);
    expect(error).toMatchObject({ status: 422, body: { error: 'Validation failed: Too many messages' } });
    expect((error as Error).message).toContain('Too many messages');

    mock.enqueue({ status: 422, body: { error: 'Invalid email address' } });
    const refused = await client()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnprocessableEntityError);
    expect(refused).not.toBeInstanceOf(ConversationRateLimitError);
    expect(refused).toMatchObject({ status: 422, body: { error: 'Invalid email address' }, mayHaveBeenDelivered: false });
  });

  it('503: ApiError 503; with Retry-After the client retries and the next answer is the message', async () => {
    mock.enqueue({ status: 503 });
    const error = await client()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503 });

    mock.enqueue({ status: 503, headers: { 'retry-after': '0' } }, { status: 429, headers: { 'retry-after': '0' } });
    const retrying = client({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 50 } });
    const message = await retrying.messages.create(params);
    expect(message.content).toBe('Hello');
    expect(mock.requests.map((r) => [r.answeredBy, r.status])).toEqual([
      ['queue', 503],
      ['queue', 503],
      ['queue', 429],
      ['prism', 200],
    ]);
  });

  it('a delay longer than timeoutMs: TimeoutError; a shorter one: the message, late', async () => {
    // 1 s against 10 s: the request reaches the mock well before the timeout, on a loaded machine too
    // (the mock stops waiting when the client hangs up, so the 10 s are not spent).
    mock.enqueue({ delayMs: 10_000 });
    const error = await client({ timeoutMs: 1_000 })
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 1_000, mayHaveBeenDelivered: true });

    mock.enqueue({ delayMs: 150 });
    const started = Date.now();
    const message = await client().messages.create(params);
    // A lower bound (the mock waited 150 ms before passing the request on), never a speed claim.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(message.content).toBe('Hello');
    // The request the client gave up on was never passed on to Prism: no answer, no message made.
    expect(mock.requests.map((r) => [r.answeredBy, r.status])).toEqual([
      ['prism', undefined],
      ['prism', 200],
    ]);
  });

  it('a dropped connection: ConnectionError, may have been delivered', async () => {
    mock.enqueue({ drop: true });
    const error = await client()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: true });
    expect(mock.requests.map((r) => [r.answeredBy, r.status, r.body])).toEqual([['queue', undefined, { content: 'Hello' }]]);
  });

  it('a CORS preflight and a file download leave the queue for the next API request', async () => {
    const first = await client().messages.create({ ...params, attachments: [{ data: 'x', filename: 'x.txt', contentType: 'text/plain' }] });
    mock.enqueue({ status: 503 });
    const preflight = await fetch(messagesUrl(mock.url), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const download = await fetch(((first.attachments ?? []) as Json[])[0]?.data_url as string);
    expect(await download.text()).toBe('x');
    expect(mock.queued).toBe(1);
    await expect(client().messages.create(params)).rejects.toMatchObject({ status: 503 });
    expect(mock.requests.map((r) => [r.method, r.answeredBy, r.status])).toEqual([
      ['POST', 'prism', 200],
      ['OPTIONS', 'prism', 204],
      ['GET', 'prism', 200],
      ['POST', 'queue', 503],
    ]);
  });

  it('answers that make no sense are refused with a ConfigurationError, and none is queued', () => {
    expect(() => mock.enqueue({ status: 429 }, { statu: 503 } as never)).toThrow(/answer 2 has unknown field "statu"/);
    expect(() => mock.enqueue({ status: 99 })).toThrow(ConfigurationError);
    expect(() => mock.enqueue({ delayMs: -1 })).toThrow('delayMs must be a number of milliseconds');
    expect(() => mock.enqueue({})).toThrow('give a status, a delayMs, drop: true or afterProcessing');
    expect(() => mock.enqueue({ afterProcessing: 'lose' as never })).toThrow("afterProcessing must be 'drop' or { delayMs");
    expect(() => mock.enqueue({ afterProcessing: { delayMs: -5 } })).toThrow("afterProcessing must be 'drop' or { delayMs");
    expect(() => mock.enqueue({ afterProcessing: 'drop', status: 500 })).toThrow('afterProcessing lets the mock process the request');
    expect(() => mock.enqueue({ drop: true, status: 500 })).toThrow('drop: true sends no answer');
    expect(mock.queued).toBe(0);
  });
});

describe('Prism still judges the requests it sees', () => {
  it("an invalid body: the 422 says Prism's most specific violation, in the server's { error } shape; sl-violations kept", async () => {
    const answer = await postMessage(mock.url, { content: 'Pick', content_type: 'input_select', content_attributes: { items: [] } });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error:
        'Request body property content_attributes.items must NOT have fewer than 1 items (at body.content_attributes.items; the request breaks openapi.yaml)',
    });
    const found = answer.violations.some(
      (v) => v.location.join('.') === 'request.body.content_attributes.items' && v.message.includes('must NOT have fewer than 1 items'),
    );
    expect(found, formatViolations(answer.violations)).toBe(true);
    expect(mock.requests.map((r) => [r.answeredBy, r.status])).toEqual([['prism', 422]]);
  });

  it('no token: 401', async () => {
    const response = await fetch(messagesUrl(mock.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"content":"x"}',
    });
    await response.arrayBuffer();
    expect(response.status).toBe(401);
  });
});
