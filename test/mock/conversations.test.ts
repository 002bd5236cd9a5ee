// The mock keeps the messages it created, per conversation, and answers the conversation GETs from
// them as the server does (issue 22): the list with after/before (Chatwoot's MessageFinder), the
// conversation with meta.channel; an answer can be lost or late after the message was saved
// (enqueue({ afterProcessing })), so that a test can send, lose the answer, and look; agent-bot
// tokens may create but not read (401).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ConfigurationError, createClient, TimeoutError } from '../../src/index.js';
import { startMockServer } from '../../src/testing/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';

const userToken = 'userTestToken1234567';
const botToken = 'botTestToken12345678';

let mock: SharedPrismMock;
/** The mock of the channel option's test: its own front server, in front of the same shared Prism. */
let whatsapp: SharedPrismMock;
beforeAll(async () => {
  [mock, whatsapp] = await Promise.all([
    startMockOnSharedPrism({ botTokens: [botToken] }),
    startMockOnSharedPrism({ channel: 'Channel::Whatsapp' }),
  ]);
});
afterEach(() => {
  expect(mock.queued).toBe(0);
  mock.reset();
});
afterAll(() => Promise.all([mock?.close(), whatsapp?.close()]));

const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ apiAccessToken: userToken, baseUrl: mock.url, retry: false, ...options });

interface Listed {
  meta: Record<string, unknown>;
  payload: Array<{ id: number; content: string | null; private: boolean; conversation_id: number; created_at_exact: string }>;
}

async function get(path: string, token = userToken): Promise<{ status: number; body: unknown; requestId: string | null }> {
  const response = await fetch(`${mock.url}/api/v1/accounts/1/conversations/${path}`, { headers: { api_access_token: token } });
  return { status: response.status, body: await response.json(), requestId: response.headers.get('x-request-id') };
}

async function list(conversationId: number, query = ''): Promise<Listed> {
  const answer = await get(`${conversationId}/messages${query}`);
  expect(answer.status).toBe(200);
  return answer.body as Listed;
}

async function sendMany(conversationId: number, count: number, extra: Record<string, unknown> = {}): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 1; index <= count; index++) {
    const message = await client().messages.create({ account_id: 1, conversation_id: conversationId, content: `m${index}`, ...extra });
    ids.push(message.id);
  }
  return ids;
}

/** `count` messages to one conversation, `inFlight` at a time; their ids, lowest (oldest) first. */
async function sendAtOnce(conversationId: number, count: number, inFlight = 8): Promise<number[]> {
  const ids: number[] = [];
  let next = 1;
  const sender = async () => {
    while (next <= count) {
      const index = next++;
      const message = await client().messages.create({ account_id: 1, conversation_id: conversationId, content: `m${index}` });
      ids.push(message.id);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  return ids.sort((a, b) => a - b);
}

describe('an answer lost after the message was saved: the message is in the conversation', () => {
  it("afterProcessing: 'drop' → ConnectionError (may have been delivered), and the list shows the message once", async () => {
    mock.enqueue({ afterProcessing: 'drop' });
    const error = await client()
      .messages.create({ account_id: 1, conversation_id: 501, content: 'Order 4411 shipped', source_id: 'order-4411' })
      .catch((caught: unknown) => caught);
    if (!(error instanceof ConnectionError)) return expect.fail(`expected a ConnectionError, got ${String(error)}`);
    expect(error.mayHaveBeenDelivered).toBe(true);
    // Processed by Prism and the mock, but no status went back.
    expect(mock.requests.map((request) => [request.method, request.answeredBy, request.status])).toEqual([['POST', 'prism', undefined]]);

    const { payload } = await list(501);
    expect(payload).toHaveLength(1);
    expect(payload[0]).toMatchObject({ content: 'Order 4411 shipped', source_id: 'order-4411', conversation_id: 501 });
  });

  it('afterProcessing: { delayMs } past the client timeout → TimeoutError, and the message is there', async () => {
    mock.enqueue({ afterProcessing: { delayMs: 600_000 } });
    // 1 s: the request must reach the mock before the client gives up, on a loaded machine too.
    const error = await client({ timeoutMs: 1_000 })
      .messages.create({ account_id: 1, conversation_id: 502, content: 'Late' })
      .catch((caught: unknown) => caught);
    if (!(error instanceof TimeoutError)) return expect.fail(`expected a TimeoutError, got ${String(error)}`);
    expect(error.mayHaveBeenDelivered).toBe(true);
    // The client gave up on its own clock; the mock goes on processing what it read, so look until
    // it has (the outcome asserted does not depend on which finished first).
    await expect.poll(async () => (await list(502)).payload.map((message) => message.content)).toEqual(['Late']);
  });

  it('afterProcessing: { delayMs } within the timeout → the message, answered late', async () => {
    mock.enqueue({ afterProcessing: { delayMs: 20 } });
    const message = await client().messages.create({ account_id: 1, conversation_id: 503, content: 'Slow but fine' });
    expect((await list(503)).payload.map((listed) => listed.id)).toEqual([message.id]);
  });

  it('a request lost before processing (drop: true) leaves nothing in the conversation', async () => {
    mock.enqueue({ drop: true });
    await expect(client().messages.create({ account_id: 1, conversation_id: 504, content: 'Lost' })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect((await list(504)).payload).toEqual([]);
  });
});

describe('GET …/conversations/{c}/messages: MessageFinder', () => {
  let ids: number[];
  beforeAll(async () => {
    // Messages of another conversation in between: never listed here.
    ids = [...(await sendMany(601, 20)), ...(await sendMany(602, 1)), ...(await sendMany(601, 5))].filter((_, index) => index !== 20);
    mock.reset();
  });

  it('neither after nor before: the latest 20, oldest first, as the server renders them ({meta, payload})', async () => {
    const { meta, payload } = await list(601);
    expect(payload.map((message) => message.id)).toEqual(ids.slice(-20));
    expect(Object.keys(meta).sort()).toEqual(['additional_attributes', 'agent_last_seen_at', 'assignee_last_seen_at', 'contact', 'labels']);
    expect(payload[0]?.created_at_exact).toMatch(/Z$/);
  });

  it('after: id > after, oldest first', async () => {
    expect((await list(601, `?after=${ids[2]}`)).payload.map((message) => message.id)).toEqual(ids.slice(3));
  });

  it('before: the 20 before it', async () => {
    expect((await list(601, `?before=${ids[24]}`)).payload.map((message) => message.id)).toEqual(ids.slice(4, 24));
  });

  it('both: after ≤ id < before (the server includes after here)', async () => {
    expect((await list(601, `?after=${ids[3]}&before=${ids[6]}`)).payload.map((message) => message.id)).toEqual(ids.slice(3, 6));
  });

  it('filter_internal_messages leaves out private notes', async () => {
    const [note] = await sendMany(603, 1, { private: true });
    const [visible] = await sendMany(603, 1);
    expect((await list(603)).payload.map((message) => message.id)).toEqual([note, visible]);
    expect((await list(603, '?filter_internal_messages=true')).payload.map((message) => message.id)).toEqual([visible]);
  });

  it('after: at most 100', async () => {
    const many = await sendAtOnce(604, 101);
    expect(many).toHaveLength(101);
    const { payload } = await list(604, '?after=0');
    expect(payload.map((message) => message.id)).toEqual(many.slice(0, 100));
  });

  it('a conversation with no message: an empty payload', async () => {
    expect((await list(699)).payload).toEqual([]);
  });
});

describe('GET …/conversations/{c}', () => {
  it("meta.channel is the inbox's channel type (Channel::Api by default) and messages holds the last one", async () => {
    const [, last] = await sendMany(701, 2);
    const answer = await get('701');
    expect(answer.status).toBe(200);
    expect(answer.requestId).not.toBeNull();
    expect(answer.body).toMatchObject({
      id: 701,
      account_id: 1,
      inbox_id: 1,
      status: 'open',
      meta: { channel: 'Channel::Api' },
      messages: [{ id: last }],
      last_non_activity_message: { id: last },
    });
  });

  it('the channel option ({ channel }, checked and passed on as startMockServer does) sets it', async () => {
    try {
      const response = await fetch(`${whatsapp.url}/api/v1/accounts/1/conversations/9`, { headers: { api_access_token: userToken } });
      expect(await response.json()).toMatchObject({ id: 9, meta: { channel: 'Channel::Whatsapp' }, messages: [] });
    } finally {
      await whatsapp.close();
    }
  });

  it('a bad channel or botTokens option is refused before anything starts', async () => {
    await expect(startMockServer({ channel: '' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(startMockServer({ botTokens: 'abc' as never })).rejects.toThrow('botTokens must be an array');
  });
});

describe('agent-bot tokens (botTokens): they may create messages, not read them', () => {
  it('create: 200; list and conversation: 401 with the server body', async () => {
    const message = await client({ apiAccessToken: botToken }).messages.create({
      account_id: 1,
      conversation_id: 801,
      content: 'From the bot',
    });
    const listed = await get('801/messages', botToken);
    const shown = await get('801', botToken);
    expect([listed.status, shown.status]).toEqual([401, 401]);
    expect(listed.body).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
    expect(shown.body).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
    // A user's token reads what the bot sent.
    expect((await list(801)).payload.map((listed) => listed.id)).toEqual([message.id]);
  });
});

describe('no token: 401, as for every other operation', () => {
  it('the list and the conversation', async () => {
    for (const path of ['802/messages', '802']) {
      const response = await fetch(`${mock.url}/api/v1/accounts/1/conversations/${path}`);
      expect([response.status, await response.json()]).toEqual([401, { error: 'Invalid Access Token' }]);
    }
  });
});

describe('queued answers apply to the GETs too', () => {
  it('a queued 404 answers the list', async () => {
    mock.enqueue({ status: 404 });
    const answer = await get('901/messages');
    expect(answer).toMatchObject({ status: 404, body: { error: 'Resource could not be found' } });
  });
});
