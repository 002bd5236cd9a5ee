// The pure match (delivery-match.ts) on the cases it decides, and reconcile and the reads with an
// injected fetch: the server's clock taken from the listing's Date header, the bound on how far back
// it reads, an abort while it waits, and the reads' retries (a GET is idempotent: a lost answer and a
// gateway's 502 are retried; create's POST is not).
import { describe, expect, it } from 'vitest';
import { AbortedError, ApiError, ConnectionError, createClient, type Message } from '../../src/index.js';
import { contentHash, fingerprintOf, matchSent } from '../../src/messages/delivery-match.js';
import { sampleMessage } from '../support/sample-message.js';
import { answers, baseUrl, fakeFetch, jsonResponse, rejectionOf, token } from '../unit/fake-fetch.js';

const at = Date.UTC(2026, 0, 1, 12, 0, 0);
const window = { offsetMs: 0, skewMs: 1_500, until: at + 5_000 };
const listed = (over: Partial<Message>): Message =>
  ({
    ...sampleMessage,
    source_id: null,
    private: false,
    content_type: 'text',
    message_type: 1,
    sender: undefined,
    attachments: undefined,
    created_at: at / 1000 + 1,
    ...over,
  }) as Message;

describe('matchSent', () => {
  const sent = fingerprintOf({ account_id: 1, conversation_id: 2, content: 'Hello Jane' }, at, at + 3_000);

  it('keeps a hash of the content, never the content', () => {
    expect(sent.contentHash).toBe(contentHash('Hello Jane'));
    expect(JSON.stringify(sent)).not.toContain('Hello Jane');
  });

  it('finds the message by type, privacy, content type, sender, attachments, time and content', () => {
    const it1 = listed({ id: 10, content: 'Hello Jane' });
    const others = [
      listed({ id: 1, content: 'Hello Jane', created_at: at / 1000 - 60 }), // before the window
      listed({ id: 2, content: 'Hello Jane', private: true }),
      listed({ id: 3, content: 'Hello Jane', message_type: 0 }),
      listed({ id: 4, content: 'Hello John' }),
      listed({ id: 5, content: 'Hello Jane', sender: { ...sampleMessage.sender, type: 'contact' } as Message['sender'] }),
    ];
    expect(matchSent(sent, [...others, it1], window)).toEqual({ found: 'one', message: it1 });
    expect(matchSent(sent, others, window)).toEqual({ found: 'none' });
  });

  it('Liquid content is not compared (the server renders it before saving); plain content is', () => {
    const liquid = fingerprintOf({ account_id: 1, conversation_id: 2, content: 'Hello {{contact.name}}' }, at, at + 1_000);
    expect(liquid.contentMayBeRendered).toBe(true);
    expect(matchSent(liquid, [listed({ id: 7, content: 'Hello Jane' })], window)).toMatchObject({ found: 'one' });
    const plain = fingerprintOf({ account_id: 1, conversation_id: 2, content: 'Hello {contact.name}' }, at, at + 1_000);
    expect(matchSent(plain, [listed({ id: 7, content: 'Hello Jane' })], window)).toEqual({ found: 'none' });
  });

  it('a source_id alone decides, inside or outside the window', () => {
    const withId = fingerprintOf({ account_id: 1, conversation_id: 2, content: 'x', source_id: 'k-1' }, at, at);
    const match = listed({ id: 9, content: 'rendered', source_id: 'k-1', created_at: 1 });
    expect(matchSent(withId, [listed({ id: 8, content: 'x' }), match], window)).toEqual({ found: 'one', message: match });
    const twice = matchSent(withId, [match, { ...match, id: 11 }], window);
    expect(twice).toMatchObject({ found: 'several', reason: expect.stringContaining('source_id "k-1"') });
  });

  it('an agent bot sender must be that bot', () => {
    const asBot = fingerprintOf({ account_id: 1, conversation_id: 2, content: 'x', sender_type: 'AgentBot', sender_id: 5 }, at, at);
    const bot = (id: number) => listed({ id, content: 'x', sender: { id, name: 'b', avatar_url: '', type: 'agent_bot' } });
    expect(matchSent(asBot, [bot(4), bot(5)], window)).toMatchObject({ found: 'one', message: { id: 5 } });
  });
});

/** A fetch whose POST loses its answer (a reset after the request went out) and whose GETs `list` answers. */
function lostThenListed(list: (url: URL, call: number) => Response) {
  return fakeFetch((request, call) => {
    if (request.method === 'POST')
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    return list(new URL(request.url), call);
  });
}

async function lostCreate(fetch: typeof globalThis.fetch, content = 'Hello Jane') {
  const client = createClient({ apiAccessToken: token, baseUrl, fetch, retry: false });
  const error = await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 2, content }));
  if (!(error instanceof ConnectionError) || !error.mayHaveBeenDelivered) throw new Error(`expected a lost answer, got ${String(error)}`);
  return { client, error };
}

describe('reconcile with an injected fetch', () => {
  it("reads the server's clock from the Date header: a server an hour ahead still matches", async () => {
    const ahead = 3_600_000;
    const { sent, fetch } = lostThenListed(() => {
      const serverNow = Date.now() + ahead;
      const message = listed({ id: 42, content: 'Hello Jane', created_at: Math.floor(serverNow / 1000) });
      return jsonResponse({ meta: {}, payload: [message] }, 200, { date: new Date(serverNow).toUTCString() });
    });
    const { client, error } = await lostCreate(fetch);
    // settleMs 0: a miss would say not_delivered at once.
    expect(await client.messages.reconcile(error, { settleMs: 0 })).toMatchObject({ outcome: 'delivered', message: { id: 42 } });
    expect(sent.map((r) => `${r.method} ${new URL(r.url).search}`)).toEqual(['POST ', 'GET ', 'GET ?before=42']);
  });

  it('pages back by before while the messages are in the window, and stops at maxMessages (ambiguous)', async () => {
    const { sent, fetch } = lostThenListed((url) => {
      const before = Number(url.searchParams.get('before') ?? 1_000);
      // Always 20 recent messages, none of them the one sent.
      const payload = Array.from({ length: 20 }, (_, i) =>
        listed({ id: before - 20 + i, content: 'other', created_at: Math.floor(Date.now() / 1000) }),
      );
      return jsonResponse({ meta: {}, payload }, 200, { date: new Date().toUTCString() });
    });
    const { client, error } = await lostCreate(fetch);
    const outcome = await client.messages.reconcile(error, { settleMs: 0, maxMessages: 40 });
    expect(outcome).toMatchObject({ outcome: 'ambiguous', candidates: [], reason: expect.stringContaining('maxMessages') });
    expect(sent.filter((r) => r.method === 'GET').map((r) => new URL(r.url).search)).toEqual(['', '?before=980']);
  });

  it('stops paging once the messages are older than the send', async () => {
    const { sent, fetch } = lostThenListed((url) => {
      const before = url.searchParams.get('before');
      const now = Math.floor(Date.now() / 1000);
      const payload =
        before === null
          ? [listed({ id: 50, content: 'other', created_at: now })]
          : [listed({ id: 40, content: 'Hello Jane', created_at: now - 3_600 })];
      return jsonResponse({ meta: {}, payload }, 200, { date: new Date().toUTCString() });
    });
    const { client, error } = await lostCreate(fetch);
    expect(await client.messages.reconcile(error, { settleMs: 0 })).toEqual({ outcome: 'not_delivered' });
    // Latest page, one page back (older than the send: the end), nothing further.
    expect(sent.filter((r) => r.method === 'GET').map((r) => new URL(r.url).search)).toEqual(['', '?before=50']);
  });

  it('not found: looks again no earlier than settleMs after the last attempt ended, then not_delivered', async () => {
    const listedAt: number[] = [];
    const { fetch } = lostThenListed(() => {
      listedAt.push(Date.now());
      return jsonResponse({ meta: {}, payload: [] }, 200, { date: new Date().toUTCString() });
    });
    const { client, error } = await lostCreate(fetch);
    const settleMs = 200;
    expect(await client.messages.reconcile(error, { settleMs })).toEqual({ outcome: 'not_delivered' });
    // The last look is the one that decides: it came once the server could no longer be saving it.
    expect(listedAt.at(-1)).toBeGreaterThanOrEqual(error.sent!.endedAt + settleMs);
  });

  it('an abort while waiting to settle rejects with AbortedError (still unknown)', async () => {
    const { fetch } = lostThenListed(() => jsonResponse({ meta: {}, payload: [] }, 200, { date: new Date().toUTCString() }));
    const { client, error } = await lostCreate(fetch);
    const controller = new AbortController();
    const pending = client.messages.reconcile(error, { settleMs: 600_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const failure = await rejectionOf(pending);
    expect(failure).toBeInstanceOf(AbortedError);
    expect((failure as AbortedError).mayHaveBeenDelivered).toBe(true);
  });
});

describe('reads are retried as idempotent', () => {
  const empty = () => jsonResponse({ meta: {}, payload: [] });

  it('a lost answer (ECONNRESET) and a 502 are retried for a GET', async () => {
    const reset = () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    };
    const { fetch, sent } = fakeFetch(answers(reset, () => jsonResponse({ error: 'Bad Gateway' }, 502), empty));
    const client = createClient({ apiAccessToken: token, baseUrl, fetch, retry: { retries: 2, minDelayMs: 0, maxDelayMs: 0 } });
    expect(await client.messages.list({ account_id: 1, conversation_id: 2 })).toEqual({ meta: {}, payload: [] });
    expect(sent.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it("a GET's failure says nothing was posted; create's 502 is not retried and may have posted", async () => {
    const { fetch, sent } = fakeFetch(() => jsonResponse({ error: 'Bad Gateway' }, 502));
    const client = createClient({ apiAccessToken: token, baseUrl, fetch, retry: { retries: 1, minDelayMs: 0, maxDelayMs: 0 } });
    const read = await rejectionOf(client.conversations.get({ account_id: 1, conversation_id: 2 }));
    expect(read).toBeInstanceOf(ApiError);
    expect((read as ApiError).mayHaveBeenDelivered).toBe(false);
    expect((read as Error).message).not.toMatch(/posted/);
    const write = await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 2, content: 'x' }));
    expect((write as ApiError).mayHaveBeenDelivered).toBe(true);
    expect(sent.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('a 2xx that is not a list is an UnexpectedResponseError that posted nothing', async () => {
    const { fetch } = fakeFetch(() => jsonResponse({ id: 1 }));
    const client = createClient({ apiAccessToken: token, baseUrl, fetch });
    const error = await rejectionOf(client.messages.list({ account_id: 1, conversation_id: 2 }));
    expect(error).toMatchObject({ name: 'UnexpectedResponseError', mayHaveBeenDelivered: false });
    expect((error as Error).message).toMatch(/not a message list/);
  });
});

describe('the token stays out', () => {
  it('a 401 on a read that echoes the token is redacted; the record of a lost send holds a hash, not the content', async () => {
    const { fetch } = fakeFetch((request) =>
      request.method === 'POST'
        ? (() => {
            throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
          })()
        : jsonResponse({ error: `Invalid Access Token ${token}` }, 401),
    );
    const client = createClient({ apiAccessToken: token, baseUrl, fetch, retry: false });
    const error = await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 2, content: `my token is ${token}` }));
    const sent = (error as ConnectionError).sent;
    expect(JSON.stringify(sent)).not.toContain(token);
    const failure = await rejectionOf(client.messages.reconcile(error));
    expect(failure).toMatchObject({ name: 'AuthenticationError', status: 401 });
    for (const text of [(failure as Error).message, (failure as Error).stack, JSON.stringify(failure)]) expect(text).not.toContain(token);
  });
});
