// The testing entry's surface, checked by the compiler: what startMockServer takes, what its
// handle holds (requests, enqueue, queued, reset), and the answers enqueue accepts.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AfterProcessing,
  startMockServer,
  type MockServer,
  type QueuedAnswer,
  type RecordedPart,
  type RecordedRequest,
} from '../../src/testing/index.js';

declare const mock: MockServer;

describe('startMockServer', () => {
  it('takes respond and resolves to the handle', () => {
    expectTypeOf(startMockServer({ respond: 'examples', port: 4010, host: '127.0.0.1' })).resolves.toEqualTypeOf<MockServer>();
    // @ts-expect-error respond is 'message' or 'examples'
    void startMockServer({ respond: 'echo' });
  });

  it("takes the inbox channel and the agent bots' tokens", () => {
    expectTypeOf(startMockServer({ channel: 'Channel::Whatsapp', botTokens: ['botToken'] })).resolves.toEqualTypeOf<MockServer>();
    // @ts-expect-error botTokens is a list of tokens
    void startMockServer({ botTokens: 'botToken' });
  });
});

describe('the handle', () => {
  it('lists requests (read-only) with their parts', () => {
    expectTypeOf(mock.requests).toEqualTypeOf<readonly RecordedRequest[]>();
    expectTypeOf(mock.requests[0]?.answeredBy).toEqualTypeOf<'prism' | 'queue' | undefined>();
    expectTypeOf(mock.requests[0]?.parts).toEqualTypeOf<readonly RecordedPart[] | undefined>();
    expectTypeOf(mock.queued).toEqualTypeOf<number>();
    // @ts-expect-error the list is the mock's: clear it with reset()
    mock.requests.push({} as RecordedRequest);
  });

  it('queues answers', () => {
    mock.enqueue(
      { status: 429 },
      { status: 422, body: { error: 'Validation failed: Too many messages' } },
      { delayMs: 100 },
      { drop: true },
      { afterProcessing: 'drop' },
      { afterProcessing: { delayMs: 5_000 } },
    );
    expectTypeOf<QueuedAnswer>().toHaveProperty('afterProcessing').toEqualTypeOf<AfterProcessing | undefined>();
    // @ts-expect-error afterProcessing is 'drop' or { delayMs }
    mock.enqueue({ afterProcessing: 'lose' });
    expectTypeOf<QueuedAnswer>().toHaveProperty('headers').toEqualTypeOf<Record<string, string> | undefined>();
    // @ts-expect-error a typo is caught (and refused at run time too)
    mock.enqueue({ statu: 429 });
  });
});
