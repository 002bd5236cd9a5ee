// What createMany accepts and yields, checked by the compiler: items of create's params
// with a key, arrays or (async) iterables, results narrowed by status, and a Bottleneck instance
// (its real type from the package) accepted as the limiter.
import Bottleneck from 'bottleneck';
import { describe, expectTypeOf, it } from 'vitest';
import { createMany } from '../../src/bulk/index.js';
import { createClient, type CreateManyItem, type CreateManyResult, type Digital99Error, type Message } from '../../src/index.js';

const client = createClient({ apiAccessToken: 'tok' });
const item = { account_id: 1, conversation_id: 42, content: 'Hi', key: 'row-1' };

describe('createMany', () => {
  it('is its own entry (99digital-client/bulk), not a method every client carries', () => {
    // @ts-expect-error client.messages.createMany was removed: createMany(client, items) from 99digital-client/bulk
    void client.messages.createMany;
  });

  it('takes arrays, iterables and async iterables of create params with an optional key', () => {
    void createMany(client, [item]);
    void createMany(client, new Set([item]));
    void createMany(
      client,
      (async function* () {
        yield item;
      })(),
    );
    // @ts-expect-error content_type is checked as in create
    void createMany(client, [{ ...item, content_type: 'video' }]);
    // @ts-expect-error key is a string
    void createMany(client, [{ ...item, key: 7 }]);
  });

  it('yields results narrowed by status', async () => {
    for await (const result of createMany(client, [item])) {
      expectTypeOf(result).toEqualTypeOf<CreateManyResult>();
      expectTypeOf(result.index).toEqualTypeOf<number>();
      expectTypeOf(result.key).toEqualTypeOf<string | undefined>();
      if (result.status === 'sent') expectTypeOf(result.message).toEqualTypeOf<Message>();
      if (result.status === 'failed') expectTypeOf(result.error).toEqualTypeOf<Digital99Error>();
    }
  });

  it('accepts a Bottleneck as the limiter, and skip/beforeSend typed by the items given', () => {
    const limiter = new Bottleneck({ id: 'budget', datastore: 'ioredis', minTime: 25 });
    type Row = CreateManyItem & { key: string };
    const rows: Row[] = [item];
    void createMany(client, rows, {
      limiter,
      concurrency: 4,
      skip: (row) => {
        expectTypeOf(row).toEqualTypeOf<Row>();
        return row.key === 'done';
      },
      beforeSend: async (row, index) => {
        expectTypeOf(index).toEqualTypeOf<number>();
        await Promise.resolve(row.key);
      },
      signal: AbortSignal.timeout(1_000),
    });
    // @ts-expect-error a limiter needs schedule(fn)
    void createMany(client, rows, { limiter: { submit: () => {} } });
  });
});
