// The testing entry's surface, checked by the compiler: what startMockServer takes, what its
// handle holds (requests, enqueue, queued, reset), and the answers enqueue accepts.
import { describe, expectTypeOf, it } from 'vitest';
import { startMockServer, type MockServer, type QueuedAnswer, type RecordedPart, type RecordedRequest } from '../../src/testing/index.js';

declare const mock: MockServer;

describe('startMockServer', () => {
  it('takes respond and resolves to the handle', () => {
    expectTypeOf(startMockServer({ respond: 'examples', port: 4010, host: '127.0.0.1' })).resolves.toEqualTypeOf<MockServer>();
    // @ts-expect-error respond is 'message' or 'examples'
    void startMockServer({ respond: 'echo' });
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
    );
    expectTypeOf<QueuedAnswer>().toHaveProperty('headers').toEqualTypeOf<Record<string, string> | undefined>();
    // @ts-expect-error a typo is caught (and refused at run time too)
    mock.enqueue({ statu: 429 });
  });
});
