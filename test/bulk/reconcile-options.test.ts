// createMany's options about lost answers (issue 22), against the Prism mock: `reconcile` looks for
// a message whose answer was lost before reporting it, `autoSourceId` gives each message a
// source_id of its own in API inboxes only (one conversations GET per conversation). The mock's
// queue answers the requests in the order they come: a conversation's messages go one at a time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMany } from '../../src/bulk/create-many.js';
import { type CreateManyResult, createClient, EarlierMessageFailedError } from '../../src/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';

const token = 'userTestToken1234567';
let api: SharedPrismMock;
let whatsapp: SharedPrismMock;
beforeAll(async () => {
  [api, whatsapp] = await Promise.all([startMockOnSharedPrism(), startMockOnSharedPrism({ channel: 'Channel::Whatsapp' })]);
});
afterEach(() => {
  expect(api.queued).toBe(0);
  expect(whatsapp.queued).toBe(0);
  api.reset();
  whatsapp.reset();
});
afterAll(() => Promise.all([api?.close(), whatsapp?.close()]));

const clientOf = (mock: SharedPrismMock) => createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false });

async function all(results: AsyncIterable<CreateManyResult>): Promise<CreateManyResult[]> {
  const out: CreateManyResult[] = [];
  for await (const result of results) out.push(result);
  return out.sort((a, b) => a.index - b.index);
}

const items = (conversation_id: number, ...contents: string[]) => contents.map((content) => ({ account_id: 1, conversation_id, content }));

describe('createMany({ reconcile })', () => {
  it('an answer lost after saving → sent, reconciled: true; the rest of the conversation goes on', async () => {
    const client = clientOf(api);
    api.enqueue({ afterProcessing: 'drop' });
    const results = await all(createMany(client, items(731, 'a', 'b', 'c'), { perMinute: 0, reconcile: true }));
    expect(results.map((r) => [r.status, 'reconciled' in r ? r.reconciled : undefined])).toEqual([
      ['sent', true],
      ['sent', undefined],
      ['sent', undefined],
    ]);
    // Each message posted once; the listings come between the lost answer and the next message.
    expect(api.requests.map((r) => r.method).join(' ')).toMatch(/^POST( GET)+ POST POST$/);
    const listed = await client.messages.list({ account_id: 1, conversation_id: 731 });
    expect(listed.payload.map((m) => m.content)).toEqual(['a', 'b', 'c']);
  });

  it('lost before saving → failed, reconciled: true, outcome not_delivered; later messages held back', async () => {
    const client = clientOf(api);
    api.enqueue({ drop: true });
    const results = await all(createMany(client, items(732, 'a', 'b'), { perMinute: 0, reconcile: { settleMs: 20 } }));
    expect(results[0]).toMatchObject({ status: 'failed', reconciled: true, outcome: 'not_delivered' });
    expect(results[1]).toMatchObject({ status: 'failed' });
    expect((results[1] as { error: unknown }).error).toBeInstanceOf(EarlierMessageFailedError);
    // One POST only (b was held back), then the listings of the reconciling.
    expect(api.requests.map((r) => r.method).join(' ')).toMatch(/^POST( GET)+$/);
  });

  it('rejects a bad option before anything is sent', () => {
    const client = clientOf(api);
    expect(() => createMany(client, [], { reconcile: { settleMs: -1 } })).toThrow(/reconcile.settleMs must be a non-negative/);
    expect(() => createMany(client, [], { autoSourceId: 'yes' as unknown as boolean })).toThrow(/autoSourceId must be true or false/);
  });
});

describe('createMany({ autoSourceId })', () => {
  it('API inbox: each message gets a source_id of its own; one conversations GET per conversation', async () => {
    const client = clientOf(api);
    const results = await all(createMany(client, [...items(741, 'a', 'b'), ...items(742, 'c')], { perMinute: 0, autoSourceId: true }));
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const posts = api.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { source_id?: string }).source_id);
    expect(posts).toHaveLength(3);
    for (const id of posts) expect(id).toMatch(/^99d-[0-9a-f-]{36}$/);
    expect(new Set(posts).size).toBe(3);
    expect(api.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      '/api/v1/accounts/1/conversations/741',
      '/api/v1/accounts/1/conversations/742',
    ]);
  });

  it('another channel: no source_id is added (it would stop delivery); a source_id given is kept', async () => {
    const client = clientOf(whatsapp);
    await all(
      createMany(client, [...items(743, 'a'), { account_id: 1, conversation_id: 744, content: 'b', source_id: 'mine' }], {
        perMinute: 0,
        autoSourceId: true,
      }),
    );
    const posts = whatsapp.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { source_id?: string }).source_id);
    expect(posts.sort()).toEqual(['mine', undefined]);
  });

  it('with reconcile: identical messages, one answer lost → delivered by its source_id, not ambiguous', async () => {
    const client = clientOf(api);
    api.enqueue({ delayMs: 0 }, { delayMs: 0 }, { afterProcessing: 'drop' });
    const results = await all(createMany(client, items(745, 'Same', 'Same'), { perMinute: 0, autoSourceId: true, reconcile: true }));
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(results[1]).toMatchObject({ reconciled: true });
    const listed = await client.messages.list({ account_id: 1, conversation_id: 745 });
    expect(listed.payload).toHaveLength(2);
    expect((results[1] as { message: { id: number } }).message.id).toBe(listed.payload[1]!.id);
  });
});
