// The reads and reconcile, checked by the compiler: list's { meta, payload }, listAll's messages,
// conversations.get's meta.channel, reconcile's three outcomes, createMany's reconcile options.
import { describe, expectTypeOf, it } from 'vitest';
import { createMany } from '../../src/bulk/create-many.js';
import {
  type Conversation,
  type CreateManyResult,
  createClient,
  type Digital99Error,
  type Message,
  type MessageList,
  type ReconcileResult,
  type SentFingerprint,
} from '../../src/index.js';

const client = createClient({ apiAccessToken: 'typeTestToken1234567' });

describe('reads', () => {
  it('list resolves to { meta, payload: Message[] }; listAll yields messages', () => {
    expectTypeOf(client.messages.list({ account_id: 1, conversation_id: 2, after: 3, before: 9 })).resolves.toEqualTypeOf<MessageList>();
    expectTypeOf<MessageList['payload']>().toEqualTypeOf<Message[]>();
    expectTypeOf(client.messages.listAll({ account_id: 1, conversation_id: 2 })).toEqualTypeOf<AsyncIterable<Message>>();
    // @ts-expect-error conversation_id is required
    void client.messages.list({ account_id: 1 });
    // @ts-expect-error after is a message id (a number)
    void client.messages.list({ account_id: 1, conversation_id: 2, after: '3' });
  });

  it('conversations.get resolves to the conversation, meta.channel a string', () => {
    expectTypeOf(client.conversations.get({ account_id: 1, conversation_id: 2 })).resolves.toEqualTypeOf<Conversation>();
    expectTypeOf<Conversation['meta']['channel']>().toEqualTypeOf<string>();
  });
});

describe('reconcile', () => {
  it('resolves to one of three outcomes, narrowed by outcome', async () => {
    expectTypeOf(
      client.messages.reconcile(new Error('x'), { settleMs: 1_000, signal: AbortSignal.timeout(1) }),
    ).resolves.toEqualTypeOf<ReconcileResult>();
    const result = await client.messages.reconcile(null);
    if (result.outcome === 'delivered') expectTypeOf(result.message).toEqualTypeOf<Message>();
    if (result.outcome === 'ambiguous') expectTypeOf(result.candidates).toEqualTypeOf<Message[]>();
    // @ts-expect-error settleMs is a number of ms
    void client.messages.reconcile(null, { settleMs: '60s' });
  });

  it('an error may carry what was sent', () => {
    expectTypeOf<Digital99Error['sent']>().toEqualTypeOf<SentFingerprint | undefined>();
  });

  it('createMany takes reconcile and autoSourceId; results say reconciled', () => {
    createMany(client, [], { reconcile: true, autoSourceId: true });
    createMany(client, [], { reconcile: { settleMs: 30_000 } });
    // @ts-expect-error reconcile is true, false or { settleMs }
    createMany(client, [], { reconcile: 'yes' });
    expectTypeOf<Extract<CreateManyResult, { status: 'sent' }>['reconciled']>().toEqualTypeOf<true | undefined>();
    expectTypeOf<Extract<CreateManyResult, { status: 'failed' }>['outcome']>().toEqualTypeOf<'not_delivered' | 'ambiguous' | undefined>();
  });
});
