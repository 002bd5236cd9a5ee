// Reading conversations and reconciling lost answers against the Prism mock (issue 22): the mock
// saves a message and then drops the answer (enqueue({ afterProcessing: 'drop' })), or drops the
// request before it is processed (enqueue({ drop: true })); reconcile must say which, from what it
// lists. Each test uses a conversation id of its own (the mock keeps every message it created).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMany } from '../../src/bulk/create-many.js';
import { AuthenticationError, ConnectionError, createClient, InvalidInputError, MessageType } from '../../src/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';

const userToken = 'userTestToken1234567';
const botToken = 'botTestToken12345678';

let api: SharedPrismMock;
let whatsapp: SharedPrismMock;
beforeAll(async () => {
  [api, whatsapp] = await Promise.all([
    startMockOnSharedPrism({ botTokens: [botToken] }),
    startMockOnSharedPrism({ channel: 'Channel::Whatsapp' }),
  ]);
});
afterEach(() => {
  expect(api.queued).toBe(0);
  expect(whatsapp.queued).toBe(0);
  api.reset();
  whatsapp.reset();
});
afterAll(() => Promise.all([api?.close(), whatsapp?.close()]));

const clientOf = (mock: SharedPrismMock, token = userToken) => createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false });

/** create's error, which must say the message may have been delivered. */
async function lostAnswer(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ConnectionError)) throw new Error(`expected a ConnectionError, got ${String(error)}`);
  expect(error.mayHaveBeenDelivered).toBe(true);
  return error;
}

describe('list, listAll, conversations.get', () => {
  it('list: the latest 20, after, before, typed { meta, payload }', async () => {
    const client = clientOf(api);
    const ids: number[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await client.messages.create({ account_id: 1, conversation_id: 701, content: `m${i}` })).id);
    const latest = await client.messages.list({ account_id: 1, conversation_id: 701 });
    expect(latest.payload.map((m) => m.id)).toEqual(ids.slice(-20));
    expect(latest.meta.contact.type).toBe('contact');
    expect((await client.messages.list({ account_id: 1, conversation_id: 701, after: ids[22]! })).payload.map((m) => m.content)).toEqual([
      'm24',
      'm25',
    ]);
    expect((await client.messages.list({ account_id: 1, conversation_id: 701, before: ids[2]! })).payload.map((m) => m.content)).toEqual([
      'm1',
      'm2',
    ]);
    // What the server received: GETs with the query, the token in its header.
    const gets = api.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.path)).toEqual([
      '/api/v1/accounts/1/conversations/701/messages',
      `/api/v1/accounts/1/conversations/701/messages?after=${ids[22]}`,
      `/api/v1/accounts/1/conversations/701/messages?before=${ids[2]}`,
    ]);
  });

  it('listAll: every message after an id, paging by after (100 a page) to an empty page', async () => {
    const client = clientOf(api);
    const items = Array.from({ length: 130 }, (_, i) => ({ account_id: 1, conversation_id: 702, content: `n${i}` }));
    const sent: number[] = [];
    for await (const result of createMany(client, items, { perMinute: 0 })) if (result.status === 'sent') sent.push(result.message.id);
    expect(sent).toHaveLength(130);
    api.reset();
    const seen: number[] = [];
    for await (const message of client.messages.listAll({ account_id: 1, conversation_id: 702, after: sent[4]! })) seen.push(message.id);
    expect(seen).toEqual(sent.sort((a, b) => a - b).slice(5));
    const afters = api.requests.map((r) => new URL(r.path, api.url).searchParams.get('after'));
    expect(afters).toEqual([String(sent[4]), String(sent[104]), String(sent[129])]);
  });

  it('conversations.get: meta.channel is the inbox channel (Channel::Api by default, the mock option otherwise)', async () => {
    const onApi = await clientOf(api).conversations.get({ account_id: 1, conversation_id: 703 });
    expect(onApi).toMatchObject({ id: 703, account_id: 1, meta: { channel: 'Channel::Api' } });
    const onWhatsapp = await clientOf(whatsapp).conversations.get({ account_id: 1, conversation_id: 703 });
    expect(onWhatsapp.meta.channel).toBe('Channel::Whatsapp');
  });

  it('bad input is refused before anything is sent', async () => {
    const client = clientOf(api);
    await expect(client.messages.list({ account_id: 1, conversation_id: 0 })).rejects.toThrow(InvalidInputError);
    await expect(client.messages.list({ account_id: 1, conversation_id: 2, after: -1 })).rejects.toThrow(/after: must be a message id/);
    await expect(client.conversations.get({ account_id: '1' as unknown as number, conversation_id: 2 })).rejects.toThrow(/Number\("1"\)/);
    expect(api.requests).toEqual([]);
  });

  it('an agent-bot token gets a 401 that says a user token is needed', async () => {
    const bot = clientOf(api, botToken);
    const error = await bot.messages.list({ account_id: 1, conversation_id: 704 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as Error).message).toMatch(/needs a user's API access token/);
    expect((error as Error).message).not.toContain(botToken);
    expect((error as AuthenticationError).mayHaveBeenDelivered).toBe(false);
    await expect(bot.conversations.get({ account_id: 1, conversation_id: 704 })).rejects.toThrow(/needs a user's API access token/);
  });
});

describe('reconcile', () => {
  it('answer lost after the server saved it, API inbox with a source_id → delivered, that message', async () => {
    const client = clientOf(api);
    api.enqueue({ afterProcessing: 'drop' });
    const error = await lostAnswer(
      client.messages.create({ account_id: 1, conversation_id: 711, content: 'Order 1 shipped', source_id: 'order-1' }),
    );
    // The record is there for reconcile, but not for console.log or JSON.
    expect(error.sent).toMatchObject({ account_id: 1, conversation_id: 711, source_id: 'order-1', message_type: MessageType.outgoing });
    expect(Object.keys(error)).not.toContain('sent');
    expect(JSON.stringify(error.sent)).not.toContain('Order 1 shipped');
    const outcome = await client.messages.reconcile(error, { settleMs: 0 });
    if (outcome.outcome !== 'delivered') return expect.fail(`expected delivered, got ${JSON.stringify(outcome)}`);
    expect(outcome.message).toMatchObject({ content: 'Order 1 shipped', source_id: 'order-1' });
    const [listed] = (await client.messages.list({ account_id: 1, conversation_id: 711 })).payload;
    expect(outcome.message.id).toBe(listed!.id);
  });

  it('answer lost after saving, another channel (no source_id) → delivered, matched by the stored fields', async () => {
    const client = clientOf(whatsapp);
    await client.messages.create({ account_id: 1, conversation_id: 712, content: 'An earlier, different one' });
    await client.messages.create({ account_id: 1, conversation_id: 712, content: 'Private note', private: true });
    whatsapp.enqueue({ afterProcessing: 'drop' });
    const error = await lostAnswer(client.messages.create({ account_id: 1, conversation_id: 712, content: 'Your order shipped' }));
    const outcome = await client.messages.reconcile(error, { settleMs: 0 });
    expect(outcome).toMatchObject({ outcome: 'delivered', message: { content: 'Your order shipped', private: false, message_type: 1 } });
  });

  it('lost before the server saved it → not_delivered, after looking again once settled', async () => {
    const client = clientOf(api);
    api.enqueue({ drop: true });
    const error = await lostAnswer(client.messages.create({ account_id: 1, conversation_id: 713, content: 'Never saved' }));
    api.reset();
    const outcome = await client.messages.reconcile(error, { settleMs: 50 });
    expect(outcome).toEqual({ outcome: 'not_delivered' });
    // Only listings (the settle wait itself is asserted in matching-and-reads.test.ts).
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('two identical messages in the window → ambiguous, with both as candidates', async () => {
    const client = clientOf(api);
    const first = await client.messages.create({ account_id: 1, conversation_id: 714, content: 'Same words' });
    api.enqueue({ afterProcessing: 'drop' });
    const error = await lostAnswer(client.messages.create({ account_id: 1, conversation_id: 714, content: 'Same words' }));
    const outcome = await client.messages.reconcile(error, { settleMs: 0 });
    if (outcome.outcome !== 'ambiguous') return expect.fail(`expected ambiguous, got ${JSON.stringify(outcome)}`);
    expect(outcome.candidates.map((m) => m.id)).toEqual([first.id, first.id + 1]);
    expect(outcome.reason).toMatch(/2 messages .* match what was sent.*source_id/);
  });

  it('Liquid content → delivered without comparing the content', async () => {
    const client = clientOf(whatsapp);
    whatsapp.enqueue({ afterProcessing: 'drop' });
    const error = await lostAnswer(client.messages.create({ account_id: 1, conversation_id: 715, content: 'Hi {{contact.name}}' }));
    expect(error.sent?.contentMayBeRendered).toBe(true);
    expect(await client.messages.reconcile(error, { settleMs: 0 })).toMatchObject({ outcome: 'delivered' });
  });

  it('a bot token: create works, reconcile fails with the clear error', async () => {
    const bot = clientOf(api, botToken);
    api.enqueue({ afterProcessing: 'drop' });
    const error = await lostAnswer(bot.messages.create({ account_id: 1, conversation_id: 716, content: 'From a bot' }));
    const failure = await bot.messages.reconcile(error, { settleMs: 0 }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).toMatch(/reconcile.*needs a user's API access token/);
  });

  it('refuses what it cannot reconcile, saying why', async () => {
    const client = clientOf(api);
    await expect(client.messages.reconcile(new Error('x'))).rejects.toThrow(/pass an error thrown by messages.create/);
    const refused = await client.messages.create({ account_id: 0, conversation_id: 1, content: 'x' }).catch((caught: unknown) => caught);
    await expect(client.messages.reconcile(refused)).rejects.toThrow(/nothing was posted/);
  });
});
